/// Why the upper layer's request could not be carried out on an association.
public enum AssociationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The association is not in a state where this can be sent, e.g. data after a release.
    case notEstablished(String)
    /// The association ended before the operation completed.
    case closed(String)
    /// The peer rejected the association.
    case rejected(AssociateRJ)
    /// The peer did not answer in time.
    case timedOut(String)
    /// The peer answered with something this side cannot use.
    case protocolViolation(String)

    public var description: String {
        switch self {
        case let .notEstablished(what): "\(what): the association is not established"
        case let .closed(why): "the association ended: \(why)"
        case let .rejected(rj): "the peer rejected the association: \(AssociationError.describe(rj))"
        case let .timedOut(what): "timed out \(what)"
        case let .protocolViolation(what): "protocol error: \(what)"
        }
    }

    static func describe(_ rj: AssociateRJ) -> String {
        let permanence = rj.result == .rejectedPermanent ? "permanently" : "transiently"
        switch rj.source {
        case let .serviceUser(reason):
            let why = switch reason {
            case .noReasonGiven: "no reason given (commonly: no presentation context acceptable, or authentication failed)"
            case .applicationContextNameNotSupported: "application context name not supported"
            case .callingAETitleNotRecognized: "calling AE title not recognized: register this AE with the peer"
            case .calledAETitleNotRecognized: "called AE title not recognized: check --called-ae"
            }
            return "\(permanence), by the service user: \(why)"
        case let .serviceProviderACSE(reason):
            return "\(permanence), by the ACSE provider: \(reason == .protocolVersionNotSupported ? "protocol version not supported" : "no reason given")"
        case let .serviceProviderPresentation(reason):
            return "\(permanence), by the presentation provider: \(reason == .temporaryCongestion ? "temporary congestion, retry later" : "local limit exceeded, retry later")"
        }
    }
}
