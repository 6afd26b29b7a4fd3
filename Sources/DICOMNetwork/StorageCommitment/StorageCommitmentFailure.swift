import DICOM

/// An instance the SCP does not commit to, and why: a Failed SOP Sequence (0008,1198) item
/// (PS3.4 J.3.3.1.1.2).
public struct StorageCommitmentFailure: Sendable, Hashable {
    public var reference: SOPReference
    /// Failure Reason (0008,1197). Its values are DIMSE status values with their meanings
    /// (PS3.4 J.3.3.1.1.2): 0110H processing failure, 0112H no such object instance, 0119H
    /// class-instance conflict, 0122H SOP class not supported, 0131H duplicate transaction
    /// UID, 0213H resource limitation.
    public var reason: DIMSEStatus

    public init(reference: SOPReference, reason: DIMSEStatus) {
        self.reference = reference
        self.reason = reason
    }

    var item: DataSet {
        var item = reference.item
        item.insert(DataElement(tag: StorageCommitmentTag.failureReason, vr: .US,
                                bytes: [UInt8(truncatingIfNeeded: reason.rawValue), UInt8(truncatingIfNeeded: reason.rawValue >> 8)]))
        return item
    }
}
