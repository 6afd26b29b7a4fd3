/// One sub-item of the user information item (PS3.8 9.3.2.3, PS3.7 Annex D.3.3).
public enum UserInformationSubItem: Sendable, Hashable {
    /// 51H: the largest P-DATA-TF variable field the sender will receive; 0 means unlimited (PS3.8 D.1).
    case maximumLength(UInt32)
    /// 52H (PS3.7 D.3.3.2).
    case implementationClassUID(String)
    /// 53H (PS3.7 D.3.3.3).
    case asynchronousOperationsWindow(AsynchronousOperationsWindow)
    /// 54H (PS3.7 D.3.3.4).
    case roleSelection(RoleSelection)
    /// 55H (PS3.7 D.3.3.2), 1–16 characters.
    case implementationVersionName(String)
    /// 56H (PS3.7 D.3.3.5).
    case sopClassExtendedNegotiation(SOPClassExtendedNegotiation)
    /// 57H (PS3.7 D.3.3.6).
    case sopClassCommonExtendedNegotiation(SOPClassCommonExtendedNegotiation)
    /// 58H (PS3.7 D.3.3.7.1).
    case userIdentityRQ(UserIdentityRQ)
    /// 59H (PS3.7 D.3.3.7.2).
    case userIdentityAC(UserIdentityAC)
    /// Any other sub-item, or a 58H sub-item whose identity type is not one PS3.7 defines.
    case unknown(RawItem)
}
