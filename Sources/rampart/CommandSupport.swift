import Access
import ArgumentParser
import Audit
import DICOM
import RampartServer
import Web
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
/// audit log like every other decision (and signed at once: a command appends rarely).
func localOperatorGrant(_ action: AccessAction, dataDirectory: String) async throws -> Grant {
    let audit = try AuditTrail(dataDirectory: dataDirectory)
    let grant = try await localOperatorGrant(action, recordedIn: audit)
    try audit.checkpoint()
    return grant
}

private func localOperatorGrant(_ action: AccessAction, recordedIn audit: AuditTrail) async throws -> Grant {
    let operatorContext = AccessContext(principal: .localOperator, channel: .cli, peerAddress: "local", authentication: .none)
    return try await Gate(registry: AERegistry(), recorder: audit).decide(operatorContext, action)
}

/// A change of who may do what, made by the local operator through the same administrator as
/// the REST API: the gate's grant and the change are both recorded (the log signed after), and
/// what `body` says is printed; a failure is one line on standard error and exit status 1.
func administer(_ dataDirectory: String, _ body: (SiteAdministrator, Grant) throws -> String) async throws {
    do {
        try DataFolder.ensure(dataDirectory)
        let audit = try AuditTrail(dataDirectory: dataDirectory)
        let grant = try await localOperatorGrant(.administer, recordedIn: audit)
        let message = try body(SiteAdministrator(dataDirectory: dataDirectory, audit: audit), grant)
        try audit.checkpoint()
        print(message)
    } catch {
        standardError("rampart: \(error)")
        throw ExitCode(1)
    }
}

/// Records a change the local operator made to who may do what (users, services, AEs): a
/// security event in the audit log.
func recordSecurityChange(_ what: String, subjects: [AuditSubject], type: AuditEventType = .userSecurityAttributesChanged,
                          dataDirectory: String) throws {
    let audit = try AuditTrail(dataDirectory: dataDirectory)
    try audit.append(AuditTrail.operatorEvent(.securityAlert, type: type, action: .administer, subjects: subjects, reason: what))
    try audit.checkpoint()
}

/// Loads a records file of the data folder, applies `change`, saves it, records `recording` in
/// the audit log with the account it names (not what `change` says: that may show a new
/// password or key), prints what `change` says; any failure is one line on standard error and
/// exit status 1.
func change<File: RecordsFile>(_ file: File, in dataDirectory: String, account: String, recording: String,
                               _ change: (inout File.Directory) throws -> String) throws {
    do {
        try DataFolder.ensure(dataDirectory)
        var directory = try file.load()
        let message = try change(&directory)
        try file.save(directory)
        try recordSecurityChange(recording, subjects: [AuditSubject(.account, account)], dataDirectory: dataDirectory)
        print(message)
    } catch {
        standardError("rampart: \(error)")
        throw ExitCode(1)
    }
}
