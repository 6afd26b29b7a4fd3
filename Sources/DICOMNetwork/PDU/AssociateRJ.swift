/// An A-ASSOCIATE-RJ PDU, type 03H (PS3.8 9.3.4, Table 9-21).
public struct AssociateRJ: Sendable, Hashable {
    /// The result field (PS3.8 Table 9-21).
    public enum Result: UInt8, Sendable, Hashable, CaseIterable {
        case rejectedPermanent = 1
        case rejectedTransient = 2
    }

    /// Who rejected, with the reason/diag value that source may give (PS3.8 Table 9-21).
    public enum Source: Sendable, Hashable {
        /// Source 1: DICOM UL service-user.
        case serviceUser(UserReason)
        /// Source 2: DICOM UL service-provider (ACSE related function).
        case serviceProviderACSE(ACSEReason)
        /// Source 3: DICOM UL service-provider (presentation related function).
        case serviceProviderPresentation(PresentationReason)

        /// The source byte.
        public var sourceByte: UInt8 {
            switch self {
            case .serviceUser: 1
            case .serviceProviderACSE: 2
            case .serviceProviderPresentation: 3
            }
        }

        /// The reason/diag byte.
        public var reasonByte: UInt8 {
            switch self {
            case let .serviceUser(reason): reason.rawValue
            case let .serviceProviderACSE(reason): reason.rawValue
            case let .serviceProviderPresentation(reason): reason.rawValue
            }
        }

        /// The source for a (source, reason/diag) pair as received, or nil when either byte
        /// is not a value Table 9-21 defines (reserved reasons are not accepted).
        public init?(source: UInt8, reason: UInt8) {
            switch source {
            case 1: guard let r = UserReason(rawValue: reason) else { return nil }; self = .serviceUser(r)
            case 2: guard let r = ACSEReason(rawValue: reason) else { return nil }; self = .serviceProviderACSE(r)
            case 3: guard let r = PresentationReason(rawValue: reason) else { return nil }; self = .serviceProviderPresentation(r)
            default: return nil
            }
        }
    }

    /// Reasons a DICOM UL service-user gives (source 1). Values 4–6 and 8–10 are reserved.
    public enum UserReason: UInt8, Sendable, Hashable, CaseIterable {
        case noReasonGiven = 1
        case applicationContextNameNotSupported = 2
        case callingAETitleNotRecognized = 3
        case calledAETitleNotRecognized = 7
    }

    /// Reasons the ACSE-related service-provider gives (source 2).
    public enum ACSEReason: UInt8, Sendable, Hashable, CaseIterable {
        case noReasonGiven = 1
        case protocolVersionNotSupported = 2
    }

    /// Reasons the presentation-related service-provider gives (source 3). 0 and 3–7 are reserved.
    public enum PresentationReason: UInt8, Sendable, Hashable, CaseIterable {
        case temporaryCongestion = 1
        case localLimitExceeded = 2
    }

    public var result: Result
    public var source: Source

    public init(result: Result, source: Source) {
        self.result = result
        self.source = source
    }
}
