import DICOM

/// What a Storage Commitment Push Model SCU asks the SCP to commit to (PS3.4 J.3.2): the
/// action information of an N-ACTION-RQ with Action Type ID 1.
public struct StorageCommitmentRequest: Sendable, Hashable {
    /// Action Type ID (0000,1008) 1, "Request Storage Commitment" (PS3.4 Table J.3-1).
    public static let actionTypeID: UInt16 = 1

    /// Transaction UID (0008,1195): the SCU's name for this request, echoed in the event report.
    public var transactionUID: String
    /// Referenced SOP Sequence (0008,1199): the instances to commit, in the order asked.
    public var references: [SOPReference]

    public init(transactionUID: String, references: [SOPReference]) {
        self.transactionUID = transactionUID
        self.references = references
    }

    /// Reads the action information (PS3.4 Table J.3-1). Transaction UID must be a valid UID
    /// (it comes back in the report); every item needs both UIDs. Their syntax is left to the
    /// SCP's lookup, which fails one malformed reference without refusing the others.
    public init(actionInformation: DataSet) throws(StorageCommitmentError) {
        guard let transaction = actionInformation.string(StorageCommitmentTag.transactionUID), !transaction.isEmpty else {
            throw .missingAttribute("Transaction UID (0008,1195)")
        }
        do {
            transactionUID = try ValidatedUID(transaction).value
        } catch {
            throw .invalidUID("Transaction UID (0008,1195)", why: "\(error)")
        }
        guard let items = actionInformation[StorageCommitmentTag.referencedSOPSequence]?.items, !items.isEmpty else {
            throw .missingAttribute("Referenced SOP Sequence (0008,1199)")
        }
        references = try Self.references(items, sequence: "Referenced SOP Sequence (0008,1199)")
    }

    /// The action information to send in an N-ACTION-RQ.
    public var actionInformation: DataSet {
        var dataSet = DataSet()
        dataSet.insert(.uid(StorageCommitmentTag.transactionUID, transactionUID))
        dataSet.insert(DataElement(tag: StorageCommitmentTag.referencedSOPSequence, items: references.map(\.item)))
        return dataSet
    }

    static func references(_ items: [DataSet], sequence: String) throws(StorageCommitmentError) -> [SOPReference] {
        var references: [SOPReference] = []
        references.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard let sopClass = item.string(StorageCommitmentTag.referencedSOPClassUID), !sopClass.isEmpty else {
                throw .invalidItem(sequence: sequence, index: index, why: "no Referenced SOP Class UID (0008,1150)")
            }
            guard let sopInstance = item.string(StorageCommitmentTag.referencedSOPInstanceUID), !sopInstance.isEmpty else {
                throw .invalidItem(sequence: sequence, index: index, why: "no Referenced SOP Instance UID (0008,1155)")
            }
            references.append(SOPReference(sopClassUID: sopClass, sopInstanceUID: sopInstance))
        }
        return references
    }
}

extension SOPReference {
    /// A Referenced SOP Sequence item.
    var item: DataSet {
        var item = DataSet()
        item.insert(.uid(StorageCommitmentTag.referencedSOPClassUID, sopClassUID))
        item.insert(.uid(StorageCommitmentTag.referencedSOPInstanceUID, sopInstanceUID))
        return item
    }
}
