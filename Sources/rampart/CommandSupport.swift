import Access
import ArgumentParser
import DICOM
import RampartServer
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

/// The gate's grant for the local operator at the command line, recorded in the data folder's
/// decision log like every other decision.
func localOperatorGrant(_ action: AccessAction, dataDirectory: String) async throws -> Grant {
    let gate = Gate(registry: AERegistry(), recorder: try DecisionLog(dataDirectory: dataDirectory))
    let operatorContext = AccessContext(principal: .localOperator, channel: .cli, peerAddress: "local", authentication: .none)
    return try await gate.decide(operatorContext, action)
}

/// Loads a records file of the data folder, applies `change`, saves it, prints what it says;
/// any failure is one line on standard error and exit status 1.
func change<File: RecordsFile>(_ file: File, in dataDirectory: String, _ change: (inout File.Directory) throws -> String) throws {
    do {
        try DataFolder.ensure(dataDirectory)
        var directory = try file.load()
        let message = try change(&directory)
        try file.save(directory)
        print(message)
    } catch {
        standardError("rampart: \(error)")
        throw ExitCode(1)
    }
}
