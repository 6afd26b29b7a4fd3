import ArgumentParser
import DICOM
#if canImport(Glibc)
import Glibc
#endif

/// Errors end a command with exactly one line on standard error, naming the file, and exit 1.
func reportFailure(_ path: String, _ error: any Error) -> ExitCode {
    let message = String(String(describing: error).map { $0.isNewline ? " " : $0 })
    FileSink(descriptor: 2, name: "standard error").writeLine("rampart: \(path): \(message)")
    return ExitCode(1)
}

extension FileSink {
    func writeLine(_ line: String) {
        try? write(Array((line + "\n").utf8))
        try? flush()
    }
}

/// Standard output, buffered.
func standardOutput() -> FileSink { FileSink(descriptor: 1, name: "standard output") }
