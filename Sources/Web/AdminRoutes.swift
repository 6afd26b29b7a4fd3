import Access
import Audit
import Foundation
import HTTPTypes
import Hummingbird
import NIOPosix
import Logs

/// The REST admin API (`/api`): users, service accounts, AEs, the audit log (events, timeline,
/// anomalies), the access policy and its explanations, the certificates and the server's status, described by the OpenAPI document at `/api/openapi.json`. Every route is decided by
/// the gate (`administer`, or `audit` for the audit log) and recorded like every other access;
/// a change is recorded again as a security event of the principal who made it.
struct AdminRoutes: Sendable {
    let gate: Gate
    let administration: any SiteAdministration
    let log: Log

    /// The most events one audit query returns.
    static let maximumAuditEvents = 100_000

    func add(to group: RouterGroup<WebRequestContext>) {
        group.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        group.get("status") { _, context in
            let grant = try await grant(.administer, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.status(grant: grant) })
        }
        group.get("users") { _, context in
            _ = try await grant(.administer, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.users() })
        }
        group.post("users") { request, context in
            let user = try await request.decode(as: NewUser.self, context: context)
            let grant = try await grant(.administer, context)
            return try Response.json(try await hashing { () throws(AdministrationError) in try administration.addUser(user, grant: grant) }, status: .created)
        }
        group.get("users/:name") { _, context in
            let name = try context.parameters.require("name")
            _ = try await grant(.administer, context)
            guard let user = try run({ () throws(AdministrationError) in try administration.users() }).first(where: { $0.name == name }) else {
                throw WebProblem(.notFound, "no user \(name)")
            }
            return try Response.json(user)
        }
        group.patch("users/:name") { request, context in
            let name = try context.parameters.require("name")
            let change = try await request.decode(as: UserChange.self, context: context)
            let grant = try await grant(.administer, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.changeUser(name, change, grant: grant) })
        }
        group.delete("users/:name") { _, context in
            let name = try context.parameters.require("name")
            let grant = try await grant(.administer, context)
            try run { () throws(AdministrationError) in try administration.removeUser(name, grant: grant) }
            return Response(status: .noContent)
        }
        group.post("users/:name/password") { _, context in
            let name = try context.parameters.require("name")
            let grant = try await grant(.administer, context)
            return try Response.json(try await hashing { () throws(AdministrationError) in try administration.newPassword(for: name, grant: grant) })
        }
        group.get("services") { _, context in
            _ = try await grant(.administer, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.services() })
        }
        group.post("services") { request, context in
            let service = try await request.decode(as: NewService.self, context: context)
            let grant = try await grant(.administer, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.addService(service, grant: grant) }, status: .created)
        }
        group.post("services/:name/revoke") { _, context in
            let name = try context.parameters.require("name")
            let grant = try await grant(.administer, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.revokeService(name, grant: grant) })
        }
        group.get("aes") { _, context in
            _ = try await grant(.administer, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.applicationEntities() })
        }
        group.put("aes/:title") { request, context in
            let title = try context.parameters.require("title")
            let entity = try await request.decode(as: ApplicationEntityChange.self, context: context)
            let grant = try await grant(.administer, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.putApplicationEntity(title, entity, grant: grant) })
        }
        group.delete("aes/:title") { _, context in
            let title = try context.parameters.require("title")
            let grant = try await grant(.administer, context)
            try run { () throws(AdministrationError) in try administration.removeApplicationEntity(title, grant: grant) }
            return Response(status: .noContent)
        }
        group.get("audit/events") { request, context in
            let query = try Self.auditQuery(request.uri.queryParameters)
            let grant = try await grant(.audit, context, concerning: AccessSubjects(patientIDs: query.patientID.map { [$0] } ?? [],
                                                                                   studyUIDs: query.studyUID.map { [$0] } ?? []))
            let events = try run { () throws(AdministrationError) in try administration.auditEvents(query, grant: grant) }
            var body = "["
            for (index, recorded) in events.enumerated() {
                let event: String
                do {
                    event = try recorded.event.json()
                } catch {
                    throw WebProblem(.internalServerError, "audit record \(recorded.sequence) could not be written as JSON")
                }
                body += (index == 0 ? "" : ",") + "{\"sequence\":\(recorded.sequence),\"event\":\(event)}"
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: body + "]")))
        }
        group.get("audit/timeline") { request, context in
            let period = try Self.timelinePeriod(request.uri.queryParameters)
            let grant = try await grant(.audit, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.auditTimeline(period, grant: grant) })
        }
        group.get("audit/anomalies") { request, context in
            let (from, to) = try Self.anomalyPeriod(request.uri.queryParameters)
            let grant = try await grant(.audit, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.auditAnomalies(from: from, to: to, grant: grant) })
        }
        group.get("policy") { _, context in
            _ = try await grant(.administer, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.policy() })
        }
        group.post("policy/explain") { request, context in
            let question = try await request.decode(as: PolicyExplainRequest.self, context: context).question()
            _ = try await grant(.administer, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.explain(question) })
        }
        group.get("settings") { _, context in
            _ = try await grant(.administer, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.settings() })
        }
        group.patch("settings") { request, context in
            let values = try await request.decode(as: [String: SettingValue].self, context: context)
            let grant = try await grant(.administer, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.changeSettings(values, grant: grant) })
        }
        group.get("certificates") { _, context in
            _ = try await grant(.administer, context)
            return try Response.json(try run { () throws(AdministrationError) in try administration.certificates() })
        }
        group.get("findings") { _, context in
            _ = try await grant(.administer, context)
            return try Response.json(try await exposure(rescan: false))
        }
        group.post("findings/scan") { _, context in
            _ = try await grant(.administer, context)
            return try Response.json(try await exposure(rescan: true))
        }
    }


    /// A period's `from` and `to` (ISO 8601), nothing else; `from` defaults to a day before `to`
    /// (or now), as `rampart audit report anomalies` does.
    private static func period(_ parameters: Parameters, also: [String]) throws(WebProblem) -> (from: Date, to: Date?, [String: String]) {
        var dates: [String: Date] = [:], others: [String: String] = [:]
        for (name, value) in parameters.map({ (String($0.key), String($0.value)) }) {
            switch name {
            case "from", "to":
                guard let date = AuditTime.date(value) else { throw WebProblem(.badRequest, "\(name) \(value) is not an ISO 8601 date or time") }
                dates[name] = date
            case _ where also.contains(name):
                others[name] = value
            default:
                throw WebProblem(.badRequest, "\(name) is not a parameter here (from, to\(also.map { ", " + $0 }.joined()))")
            }
        }
        let to = dates["to"]
        return (dates["from"] ?? (to ?? Date()).addingTimeInterval(-86_400), to, others)
    }

    /// The timeline's period: `from`, `to` (default now) and `bucket` (hour, the default, or day).
    static func timelinePeriod(_ parameters: Parameters) throws(WebProblem) -> AuditTimeline.Period {
        let (from, to, others) = try period(parameters, also: ["bucket"])
        let bucketName = others["bucket"] ?? AuditTimeline.Bucket.hour.rawValue
        guard let bucket = AuditTimeline.Bucket(rawValue: bucketName) else {
            throw WebProblem(.badRequest, "bucket must be one of \(AuditTimeline.Bucket.allCases.map(\.rawValue).joined(separator: ", ")), not \(bucketName)")
        }
        do {
            return try AuditTimeline.Period(from: from, to: to ?? Date(), bucket: bucket)
        } catch {
            throw WebProblem(.badRequest, error.description)
        }
    }

    static func anomalyPeriod(_ parameters: Parameters) throws(WebProblem) -> (Date, Date?) {
        let (from, to, _) = try period(parameters, also: [])
        if let to, to <= from { throw WebProblem(.badRequest, "the period is empty: from must be before to") }
        return (from, to)
    }

    private func grant(_ action: AccessAction, _ context: WebRequestContext, concerning subjects: AccessSubjects = .none) async throws(WebProblem) -> Grant {
        try await gate.grant(action, context, concerning: subjects, log: log)
    }

    /// An administrative call, its errors as problems.
    private func run<T>(_ call: () throws(AdministrationError) -> T) throws(WebProblem) -> T {
        do {
            return try call()
        } catch {
            throw problem(error)
        }
    }

    private func exposure(rescan: Bool) async throws(WebProblem) -> ExposureReport {
        do {
            return try await administration.exposure(rescan: rescan)
        } catch {
            throw problem(error)
        }
    }

    private func problem(_ error: AdministrationError) -> WebProblem {
        switch error {
        case let .notFound(text): return WebProblem(.notFound, text)
        case let .conflict(text): return WebProblem(.conflict, text)
        case let .invalid(text): return WebProblem(.badRequest, text)
        case let .failed(text):
            log.error("the REST API could not do what was asked: \(text)")
            return WebProblem(.internalServerError, "the server could not do it; its log says why")
        }
    }

    /// A call that hashes a new password: scrypt takes a few hundred milliseconds of one core,
    /// so it runs on the thread pool, off the cooperative pool that serves the requests.
    private func hashing<T: Sendable>(_ call: @escaping @Sendable () throws(AdministrationError) -> T) async throws -> T {
        let result = try await NIOThreadPool.singleton.runIfActive { () -> Result<T, AdministrationError> in
            Result { () throws(AdministrationError) -> T in try call() }
        }
        return try run { () throws(AdministrationError) in try result.get() }
    }

    /// The audit query's parameters, named as `rampart audit query`'s options are.
    static func auditQuery(_ parameters: Parameters) throws(WebProblem) -> AuditQuery {
        var query = AuditQuery()
        for (name, value) in parameters.map({ (String($0.key), String($0.value)) }) {
            switch name {
            case "patient_id": query.patientID = value
            case "study": query.studyUID = value
            case "user": query.actor = value
            case "from", "to":
                guard let date = AuditTime.date(value) else { throw WebProblem(.badRequest, "\(name) \(value) is not an ISO 8601 date or time") }
                if name == "from" { query.from = date } else { query.to = date }
            case "source":
                guard let range = NetworkRange(value) else { throw WebProblem(.badRequest, "source \(value) is not an address or a CIDR network") }
                query.sourceRange = AuditAddressRange(lower: range.lowest, upper: range.highest)
            case "outcome":
                guard let outcome = AuditOutcome(name: value) else { throw WebProblem(.badRequest, "outcome must be success, denied or failed, not \(value)") }
                query.outcome = outcome
            case "kind":
                guard let kind = AuditEventKind(rawValue: value) else {
                    throw WebProblem(.badRequest, "kind must be one of \(AuditEventKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                query.kind = kind
            case "limit":
                guard let limit = Int(value), (1...maximumAuditEvents).contains(limit) else {
                    throw WebProblem(.badRequest, "limit must be a whole number from 1 to \(maximumAuditEvents)")
                }
                query.limit = limit
            default:
                throw WebProblem(.badRequest, "\(name) is not a parameter of the audit query (patient_id, study, user, from, to, source, outcome, kind, limit)")
            }
        }
        return query
    }
}
