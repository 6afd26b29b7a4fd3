import ArgumentParser
import DICOM
#if canImport(Glibc)
import Glibc
#endif

/// Errors end a command with exactly one line on standard error, naming the file, and exit 1.
func reportFailure(_ path: String, _ error: any Error) -> ExitCode {
    standardError("rampart: \(path): \(oneLine(error))")
    return ExitCode(1)
}

/// An error's description on one line, as the one-line error rule needs.
func oneLine(_ error: any Error) -> String {
    String(String(describing: error).map { $0.isNewline ? " " : $0 })
}

func standardError(_ line: String) {
    FileSink(descriptor: 2, name: "standard error").writeLine(line)
}

extension FileSink {
    func writeLine(_ line: String) {
        try? write(Array((line + "\n").utf8))
        try? flush()
    }
}

/// Standard output, buffered.
func standardOutput() -> FileSink { FileSink(descriptor: 1, name: "standard output") }
