import Foundation

/// Rampart as a party to its own audit messages (PS3.15 A.5): the application that received or
/// answered the request, and the audit source that reports it.
public struct AuditMessageSource: Sendable, Hashable {
    /// The server's AE title: AlternativeUserID (AETITLES=...) and AuditSourceID.
    public var aeTitle: String
    /// This machine's name: the application's NetworkAccessPointID, and the AuditSourceID when
    /// the AE title is empty.
    public var hostName: String
    /// The process writing the message: the application's UserID, as in the process log (A.5.2.1).
    public var processID: Int
    /// AuditEnterpriseSiteID: the hospital or site within a multi-site enterprise, when configured.
    public var enterpriseSiteID: String?

    public init(aeTitle: String, hostName: String = ProcessInfo.processInfo.hostName,
                processID: Int = Int(ProcessInfo.processInfo.processIdentifier), enterpriseSiteID: String? = nil) {
        self.aeTitle = aeTitle
        self.hostName = hostName
        self.processID = processID
        self.enterpriseSiteID = enterpriseSiteID
    }
}
