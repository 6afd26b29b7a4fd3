/// The user information item (50H) of A-ASSOCIATE-RQ and -AC PDUs (PS3.8 9.3.2.3, 9.3.3.3).
///
/// Sub-items are kept in the order received, including ones this codec does not interpret,
/// so a decoded item encodes back to the same bytes.
public struct UserInformation: Sendable, Hashable {
    public var subItems: [UserInformationSubItem]

    public init(subItems: [UserInformationSubItem] = []) {
        self.subItems = subItems
    }

    /// The first maximum length sub-item's value (PS3.8 D.1); 0 means unlimited.
    public var maximumLength: UInt32? {
        for case let .maximumLength(value) in subItems { return value }
        return nil
    }

    public var implementationClassUID: String? {
        for case let .implementationClassUID(value) in subItems { return value }
        return nil
    }

    public var implementationVersionName: String? {
        for case let .implementationVersionName(value) in subItems { return value }
        return nil
    }

    public var asynchronousOperationsWindow: AsynchronousOperationsWindow? {
        for case let .asynchronousOperationsWindow(value) in subItems { return value }
        return nil
    }

    public var roleSelections: [RoleSelection] {
        subItems.compactMap { if case let .roleSelection(value) = $0 { value } else { nil } }
    }

    public var sopClassExtendedNegotiations: [SOPClassExtendedNegotiation] {
        subItems.compactMap { if case let .sopClassExtendedNegotiation(value) = $0 { value } else { nil } }
    }

    public var sopClassCommonExtendedNegotiations: [SOPClassCommonExtendedNegotiation] {
        subItems.compactMap { if case let .sopClassCommonExtendedNegotiation(value) = $0 { value } else { nil } }
    }

    public var userIdentityRQ: UserIdentityRQ? {
        for case let .userIdentityRQ(value) in subItems { return value }
        return nil
    }

    public var userIdentityAC: UserIdentityAC? {
        for case let .userIdentityAC(value) in subItems { return value }
        return nil
    }
}
