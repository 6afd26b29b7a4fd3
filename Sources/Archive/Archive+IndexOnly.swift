import Access
import DICOM
import DICOMNetwork

/// Index rows without objects, for query benchmarks at a scale no benchmark can C-STORE
/// (`rampart index bulk-load`): each data set is filed exactly as a store files it
/// (`ArchiveIndex.insert`: entity rows, merged records, the columns queries narrow on), but no
/// blob is written and many are committed in one transaction, so there is one sync per batch
/// instead of one per object.
///
/// The rows point at blob paths that hold nothing: such an archive answers queries, but a
/// retrieve of its objects fails, and start-up recovery counts them as missing blobs.
extension Archive {
    /// Why a data set cannot be filed without its object.
    public enum IndexOnlyRejection: Error, Sendable, CustomStringConvertible {
        case missingUID(Tag)
        case invalidUID(Tag, InvalidUID)
        case hierarchyConflict(String)

        public var description: String {
            switch self {
            case .missingUID(let tag): "a data set has no \(tag): every object needs its study, series, SOP instance and SOP class UIDs"
            case let .invalidUID(tag, problem): "a data set's \(tag) is not a valid UID: \(problem)"
            case .hierarchyConflict(let why): "\(why): bulk-load data sets that agree on their patients, studies and series"
            }
        }
    }

    /// Files `dataSets` (attributes only, no bulk data) in one index transaction; nothing is
    /// filed when one is refused. Needs a grant to store.
    ///
    /// Not isolated to the actor, and blocking: it touches no blob, and the index transaction
    /// is what keeps concurrent writers consistent (as for two nodes on one PostgreSQL index),
    /// so a loader may run several batches at once on threads of its own. Batches of distinct
    /// patients do not contend for rows.
    public nonisolated func indexWithoutObjects(_ dataSets: [DataSet], grant: Grant) throws(ArchiveError) {
        try Self.check(grant, .store)
        let items: [IngestedInstance]
        do {
            items = try dataSets.map(Self.indexOnlyInstance)
        } catch {
            throw .index(operation: "file index rows without objects", underlying: "\(error)")
        }
        try index.write("file index rows without objects") { db in
            // Where the batch files its series, checked once per series (a store checks each
            // object): against the index, and within the batch.
            var placed: [String: IngestedInstance] = [:]
            var writes = ArchiveIndex.EntityRowWrites()
            for item in items {
                if let first = placed[item.seriesInstanceUID] {
                    guard first.studyInstanceUID == item.studyInstanceUID, first.patientKey == item.patientKey else {
                        throw IndexOnlyRejection.hierarchyConflict("series \(item.seriesInstanceUID) is in two studies or patients in one batch")
                    }
                } else {
                    if let conflict = try ArchiveIndex.hierarchyConflict(item, db: db) {
                        throw IndexOnlyRejection.hierarchyConflict(conflict)
                    }
                    placed[item.seriesInstanceUID] = item
                }
                // An instance indexed already fails the instance table's unique constraint.
                try ArchiveIndex.insert(item, db: db, writes: &writes)
            }
            try writes.write(db: db)
        }
    }

    /// The `IngestedInstance` a store would make of an object with these attributes, its blob
    /// path the one a store would give it (`BlobKey.relativePath`), size 0 and no hash.
    private static func indexOnlyInstance(_ dataSet: DataSet) throws(IndexOnlyRejection) -> IngestedInstance {
        func uid(_ tag: Tag) throws(IndexOnlyRejection) -> ValidatedUID {
            guard let text = dataSet.string(tag) else { throw .missingUID(tag) }
            do {
                return try ValidatedUID(text)
            } catch {
                throw .invalidUID(tag, error)
            }
        }
        let key = BlobKey(studyInstanceUID: try uid(ArchiveTag.studyInstanceUID), seriesInstanceUID: try uid(ArchiveTag.seriesInstanceUID),
                          sopInstanceUID: try uid(ArchiveTag.sopInstanceUID))
        let sopClassUID = try uid(ArchiveTag.sopClassUID)
        let attributes = EntityRecord.withoutBulkData(dataSet)
        let patientIDs = attributes[ArchiveTag.patientID].flatMap {
            AttributeText.values(of: $0, characterSet: ElementText.characterSet(of: attributes))
        } ?? []
        var item = IngestedInstance(key: key, sopClassUID: sopClassUID.value,
                                    patientKey: AttributeText.first(ArchiveTag.patientID, in: attributes) ?? "",
                                    patientIDIsSingle: patientIDs.count <= 1, attributes: attributes,
                                    transferSyntaxUID: TransferSyntax.explicitVRLittleEndian.uid)
        item.blobPath = key.relativePath
        return item
    }
}
