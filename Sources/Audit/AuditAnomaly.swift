import Foundation

/// An access a privacy officer should look at, found in a period's events by `AuditAnomalies`
/// (in RampartServer): what `rampart audit report anomalies` lists and the audit explorer shows.
public struct AuditAnomaly: Sendable, Hashable, Encodable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// An emergency access, allowed and flagged for review.
        case breakTheGlass = "break-the-glass"
        /// A principal that touched many patients within a short time.
        case manyPatients = "many-patients"
        /// A principal refused many times in the period.
        case denials
        /// A principal from a network it did not use in its baseline.
        case newNetwork = "new-network"
        /// A principal with a client certificate it did not use in its baseline.
        case newDevice = "new-device"
    }

    public let kind: Kind
    public let actor: AuditActor
    /// When it happened (the first event of it).
    public let time: Date
    /// What happened, in words, without patient data.
    public let detail: String

    public init(kind: Kind, actor: AuditActor, time: Date, detail: String) {
        self.kind = kind
        self.actor = actor
        self.time = time
        self.detail = detail
    }

    /// kind, principal, time, detail: a row of the command line's report.
    public var fields: [String] { [kind.rawValue, actor.description, AuditTime.text(time), detail] }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(actor.description, forKey: .principal)
        try container.encode(AuditTime.text(time), forKey: .time)
        try container.encode(detail, forKey: .detail)
    }

    private enum CodingKeys: String, CodingKey { case kind, principal, time, detail }
}
