/// The PDU-type byte that opens every DICOM upper layer PDU (PS3.8 9.3.1, Table 9-1 … 9-26).
public enum PDUType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case associateRQ = 0x01
    case associateAC = 0x02
    case associateRJ = 0x03
    case dataTF = 0x04
    case releaseRQ = 0x05
    case releaseRP = 0x06
    case abort = 0x07

    public var description: String {
        switch self {
        case .associateRQ: "A-ASSOCIATE-RQ"
        case .associateAC: "A-ASSOCIATE-AC"
        case .associateRJ: "A-ASSOCIATE-RJ"
        case .dataTF: "P-DATA-TF"
        case .releaseRQ: "A-RELEASE-RQ"
        case .releaseRP: "A-RELEASE-RP"
        case .abort: "A-ABORT"
        }
    }
}
