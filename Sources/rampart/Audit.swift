import Access
import ArgumentParser
import Audit
import Foundation
import RampartServer

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read the audit log: who accessed which patient, when, from where, on what device, and whether it was allowed.",
        discussion: """
            Every gate decision (allowed, denied, break-the-glass) and every security event is in \
            <data>/audit/audit.sqlite, chained by SHA-256 and signed at checkpoints with keys/audit-signing.key. \
            These commands work while rampart serve runs. Each query and report is itself recorded (Audit Log Used).
            """,
        subcommands: [Query.self, Report.self, Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every record's place and hash and every checkpoint's signature; name the first record that was changed, removed or moved.")
        @OptionGroup var data: DataDirectoryOption

        func run() throws {
            let result: AuditVerification
            do {
                let (store, key) = try AuditTrail.reader(dataDirectory: data.dataDirectory)
                result = try store.verify(with: key)
                print("\(store.path): \(result.records) records, \(result.checkpoints) signed checkpoints (key sha256 \(key.fingerprint))")
            } catch {
                standardError("rampart: \(oneLine(error))")
                throw ExitCode(1)
            }
            guard let problem = result.firstProblem else {
                let unsigned = result.records - result.signedThrough
                print("intact: records 1 to \(result.records) follow each other unchanged"
                      + (unsigned == 0 ? ", all signed" : "; the last \(unsigned) are not signed yet (the next checkpoint signs them)"))
                return
            }
            print("TAMPERED: \(problem)")
            if problem.sequence > 1 {
                print("records 1 to \(problem.sequence - 1) follow each other unchanged")
            }
            throw ExitCode(2)
        }
    }

    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List audit events, oldest first: every criterion given must hold.")
        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var criteria: AuditCriteria
        @Option(help: "At most this many events, the newest.") var limit = 1000
        @Option(help: "table, json (an array of {sequence, event}), csv, or xml (one DICOM audit message, PS3.15 A.5, a line).")
        var format: AuditFormat = .table

        func run() throws {
            do {
                let query = try criteria.query(limit: limit)
                let store = try recordAuditLogUse("audit query \(criteria)", query: query, dataDirectory: data.dataDirectory)
                // Rampart in the messages: the AE title serve uses, and this machine.
                try format.write(try store.events(matching: query),
                                 messageSource: AuditMessageSource(aeTitle: try data.configurationFile().load().aeTitle))
            } catch let error as ValidationError {
                throw error
            } catch {
                standardError("rampart: \(oneLine(error))")
                throw ExitCode(1)
            }
        }
    }
}

/// The criteria `audit query` and `audit report` select events by.
struct AuditCriteria: ParsableArguments, CustomStringConvertible {
    @Option(name: .customLong("patient-id"), help: "Events concerning this Patient ID.") var patientID: String?
    @Option(help: "Events concerning this Study Instance UID.") var study: String?
    @Option(help: "Events by this user or service name, or AE title.") var user: String?
    @OptionGroup var period: ReportPeriod
    @Option(help: "From this network (CIDR, e.g. 10.20.0.0/16) or address.") var source: String?
    @Option(help: "success, denied or failed.") var outcome: String?
    @Option(help: "The event kind, e.g. query, instances-transferred, user-authentication.") var kind: String?

    func query(limit: Int) throws -> AuditQuery {
        var query = AuditQuery(patientID: patientID, studyUID: study, actor: user, from: try period.start, to: try period.end, limit: limit)
        if let source {
            guard let range = NetworkRange(source) else { throw ValidationError("--source \(source) is not an address or a CIDR network") }
            query.sourceRange = AuditAddressRange(lower: range.lowest, upper: range.highest)
        }
        if let outcome {
            guard let value = AuditOutcome(name: outcome) else { throw ValidationError("--outcome must be success, denied or failed, not \(outcome)") }
            query.outcome = value
        }
        if let kind {
            guard let value = AuditEventKind(rawValue: kind) else {
                throw ValidationError("--kind must be one of \(AuditEventKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.kind = value
        }
        return query
    }

    var description: String {
        let given: [(String, String?)] = [("patient-id", patientID), ("study", study), ("user", user), ("from", period.from), ("to", period.to),
                                          ("source", source), ("outcome", outcome), ("kind", kind)]
        let parts = given.compactMap { name, value in value.map { "--\(name) \($0)" } }
        return parts.isEmpty ? "(every event)" : parts.joined(separator: " ")
    }
}

/// Reading the audit log is itself an event (PS3.15 A.5.3.2 Audit Log Used), naming the
/// patient whose accesses were read. Returns the log, to read through.
func recordAuditLogUse(_ what: String, query: AuditQuery, dataDirectory: String) throws -> AuditStore {
    let audit = try AuditTrail(dataDirectory: dataDirectory)
    var subjects = [AuditSubject(.auditLog, audit.store.path)]
    if let patient = query.patientID { subjects.append(AuditSubject(.patient, patient)) }
    if let study = query.studyUID { subjects.append(AuditSubject(.study, study)) }
    try audit.append(AuditTrail.operatorEvent(.auditLogUsed, subjects: subjects, reason: what))
    try audit.checkpoint()
    return audit.store
}

enum AuditFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, xml

    /// `messageSource` is read for xml only.
    func write(_ events: [RecordedAuditEvent], messageSource: @autoclosure () throws -> AuditMessageSource) throws {
        let out = standardOutput()
        switch self {
        case .xml:
            let source = try messageSource()
            for recorded in events { out.writeLine(AuditMessage.xml(recorded.event, source: source)) }
        case .table:
            out.writeLine(Self.columns.joined(separator: "\t"))
            for recorded in events { out.writeLine(Self.fields(recorded).map(Self.tableCell).joined(separator: "\t")) }
        case .csv:
            out.writeLine(Self.columns.joined(separator: ","))
            for recorded in events { out.writeLine(Self.fields(recorded).map(Self.csvCell).joined(separator: ",")) }
        case .json:
            out.writeLine("[")
            for (index, recorded) in events.enumerated() {
                out.writeLine("{\"sequence\":\(recorded.sequence),\"event\":\(try recorded.event.json())}" + (index < events.count - 1 ? "," : ""))
            }
            out.writeLine("]")
        }
    }

    static let columns = ["sequence", "time", "outcome", "kind", "action", "actor", "roles", "channel", "source", "calling_ae",
                          "certificate_sha256", "patients", "studies", "break_the_glass", "purpose", "reason"]

    static func fields(_ recorded: RecordedAuditEvent) -> [String] {
        let event = recorded.event
        return [String(recorded.sequence), AuditTime.text(event.time), event.outcome.description, event.kind.rawValue, event.action ?? "",
                event.actor.description, event.actor.roles.joined(separator: " "), event.channel, event.source.address,
                event.source.callingAETitle ?? "", event.source.certificateFingerprint ?? "", event.patientIDs.joined(separator: " "),
                event.studyUIDs.joined(separator: " "), event.brokeTheGlass ? "yes" : "", event.purposeOfUse ?? "", event.reason]
    }

    /// Tabs and line breaks would split a row.
    static func tableCell(_ text: String) -> String {
        String(text.map { $0 == "\t" || $0.isNewline ? " " : $0 })
    }

    /// RFC 4180: quoted when it holds a comma, a quote or a line break, quotes doubled; a cell
    /// a spreadsheet would run as a formula gets a leading apostrophe.
    static func csvCell(_ text: String) -> String {
        var cell = text
        if let first = cell.first, "=+-@".contains(first) { cell = "'" + cell }
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
