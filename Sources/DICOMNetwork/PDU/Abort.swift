/// An A-ABORT PDU, type 07H (PS3.8 9.3.8, Table 9-26).
public struct Abort: Sendable, Hashable {
    /// The source field (PS3.8 Table 9-26).
    public enum Source: UInt8, Sendable, Hashable, CaseIterable {
        /// The DICOM UL service-user initiated the abort (A-ABORT).
        case serviceUser = 0
        /// Reserved by the standard; received values are kept.
        case reserved = 1
        /// The DICOM UL service-provider initiated the abort (A-P-ABORT).
        case serviceProvider = 2
    }

    /// The reason/diag field, significant only when the source is the service-provider
    /// (PS3.8 Table 9-26). Value 3 is reserved.
    public enum Reason: UInt8, Sendable, Hashable, CaseIterable {
        case notSpecified = 0
        case unrecognizedPDU = 1
        case unexpectedPDU = 2
        case unrecognizedPDUParameter = 4
        case unexpectedPDUParameter = 5
        case invalidPDUParameterValue = 6
    }

    public var source: Source
    /// Sent as given; when the source is not the service-provider the field is not significant,
    /// is sent as 0 by convention, and is decoded as `.notSpecified` whatever its value.
    public var reason: Reason

    public init(source: Source, reason: Reason = .notSpecified) {
        self.source = source
        self.reason = reason
    }
}
