import Access
import ArgumentParser
import Audit
import Foundation
import RampartServer

extension AuditCommand {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Access reports: per patient (accounting of disclosures), per user, and anomalies worth a look.",
            subcommands: [PatientReport.self, UserReport.self, AnomalyReport.self])
    }

    struct PatientReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "patient",
            abstract: "Who accessed this patient's data: per principal, how often, when, how, from where and on which device.")
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: "The Patient ID.") var patientID: String
        @OptionGroup var period: ReportPeriod

        func run() throws {
            let query = AuditQuery(patientID: patientID, from: try period.start, to: try period.end, limit: Self.reportLimit)
            try report(data, "audit report patient", query) { store in
                let rows = Dictionary(grouping: try store.events(matching: query), by: { $0.event.actor.description }).map { actor, events in
                    [actor] + AccessSummary(events).fields
                }.sorted { $0[0] < $1[0] }
                return (["principal"] + AccessSummary.columns, rows)
            }
        }

        static let reportLimit = 1_000_000
    }

    struct UserReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user",
            abstract: "Which patients this user, service or AE touched: per patient, how often, when, how and from where.")
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: "The user or service name, or the AE title.") var user: String
        @OptionGroup var period: ReportPeriod

        func run() throws {
            let query = AuditQuery(actor: user, from: try period.start, to: try period.end, limit: PatientReport.reportLimit)
            try report(data, "audit report user", query) { store in
                var byPatient: [String: [RecordedAuditEvent]] = [:]
                for recorded in try store.events(matching: query) {
                    for patient in Set(recorded.event.patientIDs) { byPatient[patient, default: []].append(recorded) }
                }
                let rows = byPatient.map { patient, events in [patient] + AccessSummary(events).fields }.sorted { $0[0] < $1[0] }
                return (["patient"] + AccessSummary.columns, rows)
            }
        }
    }

    struct AnomalyReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "anomalies",
            abstract: "Accesses worth a look: break-the-glass, a principal touching many patients in a short time, "
                + "a principal from a network or device it did not use before, repeated denials.")
        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var period: ReportPeriod
        @Option(help: "Flag a principal that touches at least this many patients within --window.") var patients = 20
        @Option(help: "Minutes of the --patients window.") var window = 10
        @Option(help: "Days before the period that count as a principal's usual networks and devices.") var baselineDays = 30
        @Option(help: "Flag a principal denied at least this many times in the period.") var denials = 5

        func run() throws {
            let start = try period.start ?? Date().addingTimeInterval(-86_400)
            let end = try period.end
            let thresholds = AuditAnomalies.Thresholds(patients: patients, window: TimeInterval(window * 60), denials: denials,
                                                       baseline: Double(baselineDays) * 86_400)
            try report(data, "audit report anomalies", AuditQuery(from: start, to: end, limit: AuditAnomalies.maximumEvents)) { store in
                (["kind", "principal", "time", "detail"], try AuditAnomalies(store: store, thresholds: thresholds).find(from: start, to: end).map(\.fields))
            }
        }
    }
}

/// The period a report covers.
struct ReportPeriod: ParsableArguments {
    @Option(help: "From this time (ISO 8601, UTC: 2026-11-24 or 2026-11-24T08:00:00Z).") var from: String?
    @Option(help: "Up to this time, exclusive.") var to: String?

    var start: Date? { get throws { try Self.date(from, "--from") } }
    var end: Date? { get throws { try Self.date(to, "--to") } }

    private static func date(_ text: String?, _ flag: String) throws -> Date? {
        guard let text else { return nil }
        guard let date = AuditTime.date(text) else { throw ValidationError("\(flag) \(text) is not an ISO 8601 date or time") }
        return date
    }
}

/// Runs a report: records the use of the log (what `query` selects), prints the rows `rows`
/// reads from it as a table.
private func report(_ data: DataDirectoryOption, _ what: String, _ query: AuditQuery,
                    _ rows: (AuditStore) throws -> ([String], [[String]])) throws {
    do {
        let store = try recordAuditLogUse(what, query: query, dataDirectory: data.dataDirectory)
        let (columns, table) = try rows(store)
        let out = standardOutput()
        out.writeLine(columns.joined(separator: "\t"))
        for row in table { out.writeLine(row.map(AuditFormat.tableCell).joined(separator: "\t")) }
        if table.isEmpty { out.writeLine("(no events)") }
    } catch let error as ValidationError {
        throw error
    } catch {
        standardError("rampart: \(oneLine(error))")
        throw ExitCode(1)
    }
}

/// One line of an access report: how many accesses, how many refused, when, how, from where.
struct AccessSummary {
    static let columns = ["accesses", "denied", "first", "last", "actions", "channels", "sources", "devices", "break_the_glass"]
    let fields: [String]

    init(_ events: [RecordedAuditEvent]) {
        let sorted = events.map(\.event).sorted { $0.time < $1.time }
        func distinct(_ values: [String]) -> String { Array(Set(values.filter { !$0.isEmpty })).sorted().joined(separator: " ") }
        fields = [
            String(sorted.count), String(sorted.filter { $0.outcome == .minorFailure }.count),
            sorted.first.map { AuditTime.text($0.time) } ?? "", sorted.last.map { AuditTime.text($0.time) } ?? "",
            distinct(sorted.compactMap(\.action)), distinct(sorted.map(\.channel)), distinct(sorted.map { Gate.host(of: $0.source.address) }),
            distinct(sorted.compactMap { $0.source.certificateFingerprint.map { "sha256:" + $0.prefix(16) } ?? $0.source.callingAETitle }),
            String(sorted.filter(\.brokeTheGlass).count),
        ]
    }
}
