import DICOM

/// The outcome of a storage commitment request: what the SCP reports in its N-EVENT-REPORT-RQ
/// (PS3.4 J.3.3).
public struct StorageCommitmentResult: Sendable, Hashable {
    /// Event Type ID 1, "Storage Commitment Request Successful" (PS3.4 Table J.3-2).
    public static let allCommittedEventTypeID: UInt16 = 1
    /// Event Type ID 2, "Storage Commitment Request Complete - Failures Exist".
    public static let failuresExistEventTypeID: UInt16 = 2

    /// The request's Transaction UID (0008,1195).
    public var transactionUID: String
    /// Referenced SOP Sequence (0008,1199): the instances the SCP now keeps safe.
    public var committed: [SOPReference]
    /// Failed SOP Sequence (0008,1198): the others, each with its reason.
    public var failed: [StorageCommitmentFailure]

    public init(transactionUID: String, committed: [SOPReference], failed: [StorageCommitmentFailure]) {
        self.transactionUID = transactionUID
        self.committed = committed
        self.failed = failed
    }

    /// 1 when every instance is committed, 2 when any failed (PS3.4 J.3.3.1).
    public var eventTypeID: UInt16 {
        failed.isEmpty ? Self.allCommittedEventTypeID : Self.failuresExistEventTypeID
    }

    /// The event information (PS3.4 Table J.3-2): the Referenced SOP Sequence is sent when
    /// anything was committed (Type 1 for event 1, 1C for event 2), the Failed SOP Sequence when
    /// anything failed (event 2 only).
    public var eventInformation: DataSet {
        var dataSet = DataSet()
        dataSet.insert(.uid(StorageCommitmentTag.transactionUID, transactionUID))
        if !failed.isEmpty {
            dataSet.insert(DataElement(tag: StorageCommitmentTag.failedSOPSequence, items: failed.map(\.item)))
        }
        if !committed.isEmpty || failed.isEmpty {
            dataSet.insert(DataElement(tag: StorageCommitmentTag.referencedSOPSequence, items: committed.map(\.item)))
        }
        return dataSet
    }

    /// Reads the event information of an N-EVENT-REPORT-RQ, as a storage commitment SCU does.
    public init(eventInformation: DataSet) throws(StorageCommitmentError) {
        guard let transaction = eventInformation.string(StorageCommitmentTag.transactionUID), !transaction.isEmpty else {
            throw .missingAttribute("Transaction UID (0008,1195)")
        }
        transactionUID = transaction
        committed = try StorageCommitmentRequest.references(
            eventInformation[StorageCommitmentTag.referencedSOPSequence]?.items ?? [], sequence: "Referenced SOP Sequence (0008,1199)")
        let failedItems = eventInformation[StorageCommitmentTag.failedSOPSequence]?.items ?? []
        let references = try StorageCommitmentRequest.references(failedItems, sequence: "Failed SOP Sequence (0008,1198)")
        var failed: [StorageCommitmentFailure] = []
        for (index, (item, reference)) in zip(failedItems, references).enumerated() {
            guard let element = item[StorageCommitmentTag.failureReason], element.vr == .US, let reason = element.uint16s.first else {
                throw .invalidItem(sequence: "Failed SOP Sequence (0008,1198)", index: index, why: "no Failure Reason (0008,1197)")
            }
            failed.append(StorageCommitmentFailure(reference: reference, reason: DIMSEStatus(reason)))
        }
        self.failed = failed
    }
}
