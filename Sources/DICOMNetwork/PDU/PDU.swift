/// A DICOM upper layer protocol data unit (PS3.8 9.3).
public enum PDU: Sendable, Hashable {
    case associateRQ(AssociateRQ)
    case associateAC(AssociateAC)
    case associateRJ(AssociateRJ)
    case dataTF(PDataTF)
    case releaseRQ(ReleaseRQ)
    case releaseRP(ReleaseRP)
    case abort(Abort)

    /// The PDU-type byte this PDU is sent with.
    public var type: PDUType {
        switch self {
        case .associateRQ: .associateRQ
        case .associateAC: .associateAC
        case .associateRJ: .associateRJ
        case .dataTF: .dataTF
        case .releaseRQ: .releaseRQ
        case .releaseRP: .releaseRP
        case .abort: .abort
        }
    }
}
