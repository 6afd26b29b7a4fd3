#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Access
import CoreMetrics
import DICOM
import DICOMNetwork
import Foundation

/// The archive: Part 10 objects in a blob storage (`BlobStorage`: a local folder, sealed or
/// not, or an S3-compatible object store), indexed in an `ArchiveIndex`, reached only
/// with a `Grant` for the matching action (DESIGN.md rule 1).
///
/// An actor because the blob namespace and the index are shared state: two stores of one SOP
/// Instance UID would file the same blob, so filing (rename into place, index transaction) and
/// deletes run one at a time. What each store does alone (reading and validating the file,
/// writing its zero-preamble copy and fsyncing it) runs outside the actor, in parallel. Queries
/// only read the index (WAL readers do not wait for the writer) and are `nonisolated`.
///
/// One process at a time opens an archive (`ArchiveLock`).
///
/// Layout of `directory`: `lock`, `index.sqlite` (with its WAL files; not with a PostgreSQL
/// index), and `blobs/` (local blobs) or `cache/` (objects downloaded from the object store).
public actor Archive {
    public nonisolated let directory: String
    public nonisolated let duplicatePolicy: DuplicatePolicy
    /// What start-up recovery found when this archive was opened.
    public nonisolated let recoveryReport: RecoveryReport
    nonisolated let index: ArchiveIndex
    nonisolated let blobs: any BlobStorage
    private nonisolated let lock: ArchiveLock
    /// Counts what is filed (swift-metrics; by default kept nowhere).
    private nonisolated let metrics: any MetricsFactory

    /// Filing blocks on fsyncs and the index commit: on a thread of its own, not the
    /// cooperative pool's (`DiskThreads`).
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        DiskThreads.filing.asUnownedSerialExecutor()
    }

    /// Opens the archive in `directory`, creating it (mode 0700) when needed, takes its lock
    /// (`ArchiveError.inUse` when another process has it open), opens and migrates the index
    /// (`index`: SQLite in `directory` by default, or PostgreSQL), then recovers from any crash:
    /// blobs without an index row and temporary files are removed; index rows whose blob is
    /// missing are reported in `recoveryReport`.
    ///
    /// `blobs` says where the objects go (`directory/blobs` by default); with `sealing`, each is
    /// sealed at rest with its key file.
    public init(directory: String, duplicatePolicy: DuplicatePolicy = .keep, index location: IndexLocation = .embedded,
                blobs blobLocation: BlobLocation = .localFolder, sealing: BlobSealing? = nil,
                metrics: any MetricsFactory = NOOPMetricsHandler.instance) throws(ArchiveError) {
        try self.init(directory: directory, duplicatePolicy: duplicatePolicy, index: location, metrics: metrics) { directory throws(BlobStoreError) in
            switch (blobLocation, sealing) {
            case (.localFolder, nil):
                try BlobStore(root: directory + "/blobs")
            case (.localFolder, let sealing?):
                SealedBlobStore(folder: try BlobStore(root: directory + "/blobs"), sealing: sealing)
            case let (.objectStore(store, cacheBytes), sealing):
                try ObjectStoreBlobStore(store: store, sealing: sealing, cache: BlobCache(folder: directory + "/cache", capacity: cacheBytes))
            }
        }
    }

    /// The archive over the blob storage `makeBlobs` makes in the (created, locked) directory:
    /// the public initializer's, and tests' (a storage that fails on purpose).
    init(directory: String, duplicatePolicy: DuplicatePolicy, index location: IndexLocation, metrics: any MetricsFactory,
         blobs makeBlobs: (String) throws(BlobStoreError) -> any BlobStorage) throws(ArchiveError) {
        self.directory = directory
        self.duplicatePolicy = duplicatePolicy
        self.metrics = metrics
        do {
            try BlobStore.makeFolder(directory)
        } catch {
            throw .blobStore(error)
        }
        lock = try ArchiveLock(directory: directory)
        do {
            blobs = try makeBlobs(directory)
        } catch {
            throw .blobStore(error)
        }
        switch location {
        case .embedded: index = try ArchiveIndex(path: directory + "/index.sqlite")
        case .postgres(let postgres): index = ArchiveIndex(database: try PostgresIndexDatabase(location: postgres))
        }
        recoveryReport = try Self.recover(index: index, blobs: blobs)
    }

    // MARK: Store

    /// Archives the Part 10 file at `path` (rule 5: the blob is durable first, then the index
    /// entry is committed in one transaction, and only then is success returned).
    ///
    /// Runs off the actor: the file is read, validated and staged (a durable zero-preamble copy)
    /// concurrently with other stores; only `file`, which renames the staged blob into place and
    /// commits the index, is isolated.
    ///
    /// With `moving`, a stored file is taken over (renamed when it already has a zero preamble,
    /// as SpoolWriter's files do; copied with a zeroed preamble and removed otherwise). A file
    /// that is not stored (`duplicateKept`, `rejected`) stays where it is for the caller to remove.
    @concurrent
    public nonisolated func store(file path: String, moving: Bool, grant: Grant) async throws(ArchiveError) -> StoreOutcome {
        try await store(Self.ingest(path), from: path, moving: moving, grant: grant)
    }

    /// Reads the file, then asks `authorize` for the grant to store it, telling it the patient,
    /// study and instance the file names (none when it cannot be read), and what the study
    /// conditions of a policy read of the object and of the archived study it would join: the
    /// gate decides with them, and its decision is recorded before anything is filed. (`file`
    /// checks the study again when it files: another store may have changed it meanwhile.) An
    /// error `authorize` throws (a denial) ends the store and is rethrown as is; the others are
    /// `ArchiveError`s.
    ///
    /// A file taken over (`moving`) by a storage that stages on its own disk is staged while the
    /// gate decides (its sync overlaps the audit record's), and discarded unless filed: staging
    /// files nothing, and nothing leaves the machine before the grant.
    @concurrent
    public nonisolated func store(file path: String, moving: Bool,
                                  authorize: (AccessSubjects) async throws -> Grant) async throws -> StoreOutcome {
        let ingested = Self.ingest(path)
        var subjects = AccessSubjects.none
        if case let .success(item) = ingested {
            let archived = try index.read("look up a study") { db in try ArchiveIndex.studyAttributes(studyInstanceUID: item.studyInstanceUID, db: db) }
            subjects = AccessSubjects(patientIDs: [item.patientKey], studyUIDs: [item.studyInstanceUID], sopInstanceUIDs: [item.sopInstanceUID],
                                      object: item.studyAttributes, archivedStudy: archived)
        }
        async let early = stageWhileDeciding(ingested, from: path, moving: moving)
        let grant: Grant
        do {
            grant = try await authorize(subjects)
        } catch {
            await discard(await early)
            throw error
        }
        return try await store(ingested, from: path, moving: moving, grant: grant, early: await early)
    }

    /// Drops what was staged while the gate decided, for a store that is not filed.
    private nonisolated func discard(_ early: Result<StagedBlob, BlobStoreError>?) async {
        if case let .success(staged)? = early { await blobs.discard(staged) }
    }

    /// The staging `store(file:moving:authorize:)` starts before the grant, or nil where
    /// it waits for it (see there).
    private nonisolated func stageWhileDeciding(_ ingested: Result<IngestedInstance, StoreRejection>, from path: String,
                                                moving: Bool) async -> Result<StagedBlob, BlobStoreError>? {
        guard moving, blobs.stagesLocally, case let .success(item) = ingested else { return nil }
        do {
            return .success(try await blobs.stage(file: path, key: item.key, moving: true))
        } catch {
            return .failure(error)
        }
    }

    private nonisolated func store(_ ingested: Result<IngestedInstance, StoreRejection>, from path: String, moving: Bool,
                                   grant: Grant, early: Result<StagedBlob, BlobStoreError>? = nil) async throws(ArchiveError) -> StoreOutcome {
        let outcome = try await file(ingested, from: path, moving: moving, grant: grant, early: early)
        let (label, bytes): (String, Int) = switch outcome {
        case let .stored(instance): ("stored", instance.size)
        case let .replaced(instance): ("replaced", instance.size)
        case .duplicateKept: ("duplicate", 0)
        case .rejected: ("rejected", 0)
        }
        Counter(label: "rampart_ingest_instances_total", dimensions: [("outcome", label)], factory: metrics).increment()
        if bytes > 0 { Counter(label: "rampart_ingest_bytes_total", factory: metrics).increment(by: bytes) }
        return outcome
    }

    /// Files the object unless the grant, the index or the duplicate policy settle the store
    /// first; `early` is the blob staged while the gate decided, discarded when not filed.
    private nonisolated func file(_ ingested: Result<IngestedInstance, StoreRejection>, from path: String, moving: Bool,
                                  grant: Grant, early: Result<StagedBlob, BlobStoreError>?) async throws(ArchiveError) -> StoreOutcome {
        let item: IngestedInstance
        switch Result(catching: { () throws(ArchiveError) in try settleBeforeStaging(ingested, grant: grant) }) {
        case let .success(.toFile(ingested)):
            item = ingested
        case let .success(.settled(outcome)):
            await discard(early)
            return outcome
        case let .failure(error):
            await discard(early)
            throw error
        }
        let staged: StagedBlob
        do throws(BlobStoreError) {
            if let early { staged = try early.get() } else { staged = try await blobs.stage(file: path, key: item.key, moving: moving) }
        } catch {
            throw .blobStore(error)
        }
        let outcome: StoreOutcome
        let replacedBlob: String?
        do {
            (outcome, replacedBlob) = try await file(item, staged: staged, grant: grant)
        } catch {
            await blobs.discard(staged)
            throw error
        }
        // The replaced version's own blob (an object store's): no row names it any more.
        if let replacedBlob { await blobs.remove(replacedBlob) }
        switch outcome {
        case .stored, .replaced:
            if moving, staged.origin != .callersFile { unlink(path) }
        case .duplicateKept, .rejected:
            await blobs.discard(staged)
        }
        return outcome
    }

    private enum BeforeStaging {
        case settled(StoreOutcome)
        case toFile(IngestedInstance)
    }

    /// What settles a store without a blob: a grant without the right to store (thrown), an
    /// object that cannot be filed, outside the grant's data limits, or that the index refuses
    /// or already has (a first look without the actor: `file` looks again, as another store
    /// may have filed the UID meanwhile).
    private nonisolated func settleBeforeStaging(_ ingested: Result<IngestedInstance, StoreRejection>,
                                                 grant: Grant) throws(ArchiveError) -> BeforeStaging {
        try Self.check(grant, .store)
        let item: IngestedInstance
        switch ingested {
        case .failure(let rejection): return .settled(.rejected(rejection))
        case .success(let ingested): item = ingested
        }
        // The grant reaches only studies inside its data limits: an object outside them is not
        // filed, whatever study it names (the modality of one institution cannot file into
        // another's studies).
        if let outside = grant.studies.dataExclusion(of: item.studyAttributes) {
            return .settled(.rejected(.outsideGrant("the object is outside the studies the grant reaches: \(outside)")))
        }
        if let settled = try lookUp(item, grant: grant).settled { return .settled(settled) }
        return .toFile(item)
    }

    /// What the index says of `item` now: the archived instance of its UID, and the outcome when
    /// that settles the store without a new blob (a duplicate kept or refused, a conflict, a
    /// study outside the grant's data limits).
    private nonisolated func lookUp(_ item: IngestedInstance, grant: Grant) throws(ArchiveError) -> (existing: StoredInstance?, settled: StoreOutcome?) {
        let (existing, conflict, study) = try index.read("look up an instance") { db in
            (try ArchiveIndex.instance(sopInstanceUID: item.sopInstanceUID, db: db),
             try ArchiveIndex.hierarchyConflict(item, db: db),
             try ArchiveIndex.studyAttributes(studyInstanceUID: item.studyInstanceUID, db: db))
        }
        if let conflict { return (existing, .rejected(.hierarchyConflict(conflict))) }
        if let study, let outside = grant.studies.dataExclusion(of: study) {
            return (existing, .rejected(.outsideGrant("study \(item.studyInstanceUID) is archived outside the studies the grant reaches: \(outside)")))
        }
        guard let existing else { return (nil, nil) }
        switch duplicatePolicy {
        case .keep: return (existing, .duplicateKept(existing))
        case .reject: return (existing, .rejected(.duplicate(sopInstanceUID: item.sopInstanceUID)))
        case .replace: return (existing, nil)
        }
    }

    /// A store waiting for its turn to be filed.
    private struct Filing {
        let item: IngestedInstance
        let staged: StagedBlob
        let grant: Grant
        let continuation: CheckedContinuation<Result<(StoreOutcome, String?), ArchiveError>, Never>
    }

    /// The stores filed together: none may change what another is decided on. A second store
    /// of one SOP Instance UID, one that puts its study under another patient or its series
    /// under another study than a store already in the batch, or that gives its study other
    /// attributes (the grants' study conditions read them), waits for the next batch, where it
    /// is decided against the first one filed, as if the two had come one after the other.
    private struct FilingBatch {
        private(set) var stores: [Filing] = []
        private var uids = Set<String>()
        private var studies: [String: (patientKey: String, attributes: StudyAttributes)] = [:]
        private var seriesStudies: [String: String] = [:]

        mutating func admit(_ filing: Filing) -> Bool {
            let item = filing.item
            guard stores.count < Archive.filingBatchLimit, !uids.contains(item.sopInstanceUID) else { return false }
            let attributes = item.studyAttributes
            if let study = studies[item.studyInstanceUID], study.patientKey != item.patientKey || study.attributes != attributes {
                return false
            }
            if let study = seriesStudies[item.seriesInstanceUID], study != item.studyInstanceUID { return false }
            uids.insert(item.sopInstanceUID)
            studies[item.studyInstanceUID] = (item.patientKey, attributes)
            seriesStudies[item.seriesInstanceUID] = item.studyInstanceUID
            stores.append(filing)
            return true
        }
    }

    /// Stores waiting to be filed, and whether a task is filing them.
    private var waiting: [Filing] = []
    private var filing = false
    /// At most this many stores filed together: few enough that what a crash in the middle of
    /// a batch leaves unindexed (a new blob and a replaced one for each, and a failed delete)
    /// stays within `unindexedLimit`, which recovery removes without asking.
    static let filingBatchLimit = (unindexedLimit - 1) / 2

    /// The serialized part of a store, with group commit: the stores that wait while a batch is
    /// filed go together in the next, sharing the folder's fsync and the index commit's. Returns
    /// the outcome, and the blob of a replaced version for the caller to remove once out of the
    /// actor (see `BlobStorage.removeOrDefer`).
    private func file(_ item: IngestedInstance, staged: StagedBlob, grant: Grant) async throws(ArchiveError) -> (StoreOutcome, String?) {
        let result = await withCheckedContinuation { continuation in
            waiting.append(Filing(item: item, staged: staged, grant: grant, continuation: continuation))
            if !filing {
                filing = true
                Task { await self.fileWhileWaiting() }
            }
        }
        return try result.get()
    }

    private func fileWhileWaiting() async {
        while true {
            var admitted = FilingBatch(), later: [Filing] = []
            for filing in waiting where !admitted.admit(filing) { later.append(filing) }
            waiting = later
            let batch = admitted.stores
            let results = file(batch)
            // The stores that arrived meanwhile run their `file` now and join the next batch.
            await Task.yield()
            if waiting.isEmpty { filing = false }
            // Answered last: once the last batch is answered, this task holds the archive no
            // longer (a caller that then closes and reopens it finds its lock free).
            for (store, result) in zip(batch, results) { store.continuation.resume(returning: result) }
            if !filing { return }
        }
    }

    /// Files a batch: decide each against the index as it is now, place the staged blobs
    /// (durable when `commit` returns), then commit their index entries in one transaction, each
    /// in a savepoint so that one that fails leaves the others filed.
    private func file(_ batch: [Filing]) -> [Result<(StoreOutcome, String?), ArchiveError>] {
        var results = [Result<(StoreOutcome, String?), ArchiveError>?](repeating: nil, count: batch.count)
        var placing: [(position: Int, existing: StoredInstance?)] = []
        for (position, filing) in batch.enumerated() {
            do throws(ArchiveError) {
                let (existing, settled) = try lookUp(filing.item, grant: filing.grant)
                if let settled { results[position] = .success((settled, nil)) } else { placing.append((position, existing)) }
            } catch {
                results[position] = .failure(error)
            }
        }
        var filed: [(position: Int, existing: StoredInstance?, item: IngestedInstance)] = []
        let placed = blobs.commit(placing.map { (batch[$0.position].staged, batch[$0.position].item.key) })
        for ((position, existing), place) in zip(placing, placed) {
            switch place {
            case let .success(blobPath):
                var item = batch[position].item
                item.blobPath = blobPath
                item.size = batch[position].staged.size
                item.sha256 = batch[position].staged.sha256
                filed.append((position, existing, item))
            case let .failure(error):
                results[position] = .failure(.blobStore(error))
            }
        }
        let recorded: [Result<Void, ArchiveError>]
        do {
            recorded = try index.write("record an instance") { db in
                try filed.map { entry in try index.inSavepoint(db, "record an instance") { db in
                    if entry.existing != nil { try ArchiveIndex.replace(entry.item, db: db) } else { try ArchiveIndex.insert(entry.item, db: db) }
                } }
            }
        } catch {
            recorded = filed.map { _ in .failure(error) }
        }
        for (entry, outcome) in zip(filed, recorded) {
            results[entry.position] = outcome.flatMap { () -> Result<(StoreOutcome, String?), ArchiveError> in
                .success(stored(entry.item, replacing: entry.existing))
            }.flatMapError { error in
                // A new blob without a row would be an orphan: remove it now rather than at the
                // next start (one with a name of its own goes with the caller's `discard`). A
                // replaced blob cannot be taken back; it is a valid object of the same UID.
                if entry.existing == nil { _ = blobs.removeOrDefer(entry.item.blobPath) }
                // Another node sharing the index filed this UID since the look-up (its insert won
                // the unique key): that is a duplicate, settled by the policy as if it had come
                // second. (Under `replace` nothing is settled: the store fails, and a retry replaces.)
                if entry.existing == nil, let settled = try? lookUp(entry.item, grant: batch[entry.position].grant).settled {
                    return .success((settled, nil))
                }
                return .failure(error)
            }
        }
        // Every position has its result by now; a missing one would be a bug here, not a store filed.
        return results.map { $0 ?? .failure(.index(operation: "file an instance", underlying: "the batch lost track of this store")) }
    }

    /// The outcome of a filed item, and the blob of the version it replaced when that is now
    /// unindexed (another study or series, or an object store's name per version).
    private func stored(_ item: IngestedInstance, replacing existing: StoredInstance?) -> (StoreOutcome, String?) {
        let stored = StoredInstance(sopClassUID: item.sopClassUID, sopInstanceUID: item.sopInstanceUID, patientID: item.patientKey,
                                    studyInstanceUID: item.studyInstanceUID, seriesInstanceUID: item.seriesInstanceUID,
                                    blobPath: item.blobPath,
                                    transferSyntax: TransferSyntax(uid: item.transferSyntaxUID), size: item.size,
                                    sha256: item.sha256)
        guard let existing else { return (.stored(stored), nil) }
        let deferred = existing.blobPath != stored.blobPath ? blobs.removeOrDefer(existing.blobPath) : nil
        return (.replaced(stored), deferred)
    }

    /// Reads and validates an object; bulk values stay in the file (the reader defers them).
    static func ingest(_ path: String) -> Result<IngestedInstance, StoreRejection> {
        let file: DICOMFile
        do {
            file = try DICOMFile(contentsOf: path)
        } catch {
            return .failure(.unreadable("\(error)"))
        }
        let dataSet = file.dataSet
        func uid(_ tag: Tag) -> Result<ValidatedUID, StoreRejection> {
            guard let text = dataSet.string(tag) else { return .failure(.missingAttribute(tag)) }
            do {
                return .success(try ValidatedUID(text))
            } catch {
                return .failure(.invalidUID(tag, error))
            }
        }
        let key: BlobKey
        let sopClassUID: ValidatedUID
        do {
            key = BlobKey(studyInstanceUID: try uid(ArchiveTag.studyInstanceUID).get(),
                          seriesInstanceUID: try uid(ArchiveTag.seriesInstanceUID).get(),
                          sopInstanceUID: try uid(ArchiveTag.sopInstanceUID).get())
            sopClassUID = try uid(ArchiveTag.sopClassUID).get()
        } catch {
            return .failure(error)
        }
        if let meta = file.meta.string(ArchiveTag.mediaStorageSOPInstanceUID), !meta.isEmpty, meta != key.sopInstanceUID.value {
            return .failure(.metaMismatch(meta: String(meta.prefix(64)), dataSet: key.sopInstanceUID.value))
        }
        // Encapsulated Pixel Data only in an encapsulated transfer syntax, and only there
        // (PS3.5 A.4): otherwise no reader can tell how to decode the pixels it serves.
        switch (dataSet[ArchiveTag.pixelData]?.value, file.transferSyntax.isEncapsulated) {
        case (.encapsulated?, false):
            return .failure(.unreadable("its Pixel Data is encapsulated, but its transfer syntax \(file.transferSyntax) is not an encapsulated one"))
        case (.bytes?, true):
            return .failure(.unreadable("its transfer syntax \(file.transferSyntax) encapsulates Pixel Data, but its Pixel Data is a native value"))
        default:
            break
        }
        let attributes = EntityRecord.withoutBulkData(dataSet)
        let patientIDs = attributes[ArchiveTag.patientID].flatMap {
            AttributeText.values(of: $0, characterSet: ElementText.characterSet(of: attributes))
        } ?? []
        return .success(IngestedInstance(key: key, sopClassUID: sopClassUID.value,
                                         patientKey: AttributeText.first(ArchiveTag.patientID, in: attributes) ?? "",
                                         patientIDIsSingle: patientIDs.count <= 1, attributes: attributes,
                                         transferSyntaxUID: file.transferSyntax.uid))
    }

    // MARK: Query and retrieve

    /// The C-FIND responses for `query` (PS3.4 C.4.1), as `InstanceIndex.find` would give them
    /// over the same objects, each made with `query.response(for:)`.
    ///
    /// With `everyAttribute`, each answer also carries every other attribute the index holds of
    /// the entity and its parents (QIDO-RS `includefield=all`); bulk data is never indexed.
    /// With `limit`, the first that many answers, in storage order, and no more work.
    public nonisolated func find(_ query: QueryIdentifier, everyAttribute: Bool = false, limit: Int? = nil,
                                 grant: Grant) throws(ArchiveError) -> [DataSet] {
        try Self.check(grant, .query)
        return try index.read("answer a query") { db in
            try ArchiveIndex.matchingEntities(query, studies: grant.studies, withEveryComputedAttribute: everyAttribute, limit: limit, db: db).map { match in
                var response = query.response(for: match.record)
                if everyAttribute {
                    for element in match.record where !response.contains(element.tag) { response.insert(element) }
                }
                return response
            }
        }
    }

    /// The instances under every entity that matches (for C-MOVE and C-GET), in storage order.
    public nonisolated func instances(matching query: QueryIdentifier, grant: Grant) throws(ArchiveError) -> [StoredInstance] {
        try Self.check(grant, .retrieve)
        return try index.read("list instances") { db in
            try ArchiveIndex.matchingEntities(query, studies: grant.studies, db: db).flatMap {
                try ArchiveIndex.instances(under: $0.rowID, level: query.level, studies: grant.studies, db: db)
            }
        }
    }

    /// Whether each referenced instance is archived as its SOP class with its file in place, in
    /// the order given: what a storage commitment SCP checks before it commits (PS3.4 J.3.3).
    /// Takes a `.store` grant: commitment completes a store. An instance of a study outside the
    /// grant's studies is absent, as it is to a query: commitment must not tell it exists.
    public nonisolated func presence(of references: [SOPReference], grant: Grant) throws(ArchiveError) -> [InstancePresence] {
        try Self.check(grant, .store)
        let (scope, scopeArguments) = grant.studies.sqlFilter(study: "st")
        let sql = ArchiveIndex.instanceSelect + " WHERE i.sopInstanceUID = ? AND " + scope
        return try index.read("check instances for storage commitment") { db in
            try references.map { reference -> InstancePresence in
                guard let uid = try? ValidatedUID(reference.sopInstanceUID),
                      let row = try db.fetchOne(sql, [uid.value] + scopeArguments)
                else { return .absent }
                let archivedClass = try row.requiredText("sopClassUID")
                guard archivedClass == reference.sopClassUID else { return .otherClass(archived: archivedClass) }
                return blobs.isPresent(try row.requiredText("blobPath")) ? .present : .fileMissing
            }
        }
    }

    /// Entity counts, for status pages and tests; no patient data, yet still behind the gate.
    public nonisolated func counts(grant: Grant) throws(ArchiveError) -> ArchiveCounts {
        try Self.check(grant, .administer)
        return try index.read("count entities") { db in try ArchiveIndex.counts(db: db) }
    }

    /// What the archive holds, in instances and bytes of their files, for the metrics (a
    /// `monitor` grant); and the space left on the file system of the blob folder (or of the
    /// object store's cache).
    public nonisolated func storageUse(grant: Grant) throws(ArchiveError) -> StorageUse {
        try Self.check(grant, .monitor)
        let (instances, bytes) = try index.read("sum the archived objects") { db in
            // PostgreSQL sums BIGINTs as NUMERIC: cast back.
            let row = try db.fetchOne("SELECT COUNT(*) AS instances, CAST(COALESCE(SUM(size), 0) AS BIGINT) AS bytes FROM instance")
            return (Int(try row?.integer("instances") ?? 0), Int(try row?.integer("bytes") ?? 0))
        }
        var fileSystem = statvfs()
        let available = statvfs(blobs.localFolder, &fileSystem) == 0 ? Int(fileSystem.f_bavail) * Int(fileSystem.f_frsize) : nil
        return StorageUse(instances: instances, bytes: bytes, availableBytes: available)
    }

    /// Whether the archive can work now: the index answers a read and blobs may be written (the
    /// folder is writable; an object store answers). Reads no patient data, so it needs no
    /// grant (readiness probes run before anyone signs in). Throws what is wrong.
    public nonisolated func checkReady() async throws(ArchiveError) {
        _ = try index.read("check the index answers") { db in try db.fetchOne("SELECT 1 AS answer") }
        do {
            try await blobs.checkWritable()
        } catch {
            throw .blobStore(error)
        }
    }

    /// The Part 10 bytes of `instance` as a local file to read, lent until the `LocalBlob` is
    /// released (a `retrieve` grant). A plain local blob is its own file, at no cost; a sealed
    /// one is decrypted into memory (its size in RAM while it is held); an object store's is
    /// downloaded into the local cache first, unless it is there.
    public nonisolated func localBlob(of instance: StoredInstance, grant: Grant) async throws(ArchiveError) -> LocalBlob {
        try Self.check(grant, .retrieve)
        do {
            return try await blobs.localBlob(instance.blobPath, sha256: instance.sha256)
        } catch {
            throw .blobStore(error)
        }
    }

    // MARK: Restriction

    /// Restricts a study to an access group, or lifts its restriction (`group` nil): a restricted
    /// study reaches only grants that open its group, or an emergency access (`StudyScope`).
    /// Returns false when no such study is archived.
    public func restrict(studyInstanceUID: String, to group: String?, grant: Grant) async throws(ArchiveError) -> Bool {
        try Self.check(grant, .administer)
        let uid: String
        do {
            uid = try ValidatedUID(studyInstanceUID).value
        } catch {
            throw .invalidUID(error)
        }
        return try index.write("restrict a study") { db in
            try db.execute("UPDATE study SET accessGroup = ? WHERE studyInstanceUID = ?", [group, uid]) > 0
        }
    }

    /// The restricted studies and their groups, by Study Instance UID.
    public nonisolated func restrictedStudies(grant: Grant) throws(ArchiveError) -> [(studyInstanceUID: String, group: String)] {
        try Self.check(grant, .administer)
        return try index.read("list restricted studies") { db in
            try db.fetchAll("SELECT studyInstanceUID, accessGroup FROM study WHERE accessGroup IS NOT NULL ORDER BY id")
                .map { (try $0.requiredText("studyInstanceUID"), try $0.requiredText("accessGroup")) }
        }
    }

    // MARK: Delete

    /// Deletes a study, or one series of it, or one instance of that series: the index rows go
    /// in one transaction, then the blobs (a crash in between leaves orphans that recovery
    /// removes, never a row without its blob). Only studies the grant reaches are touched: an
    /// instance outside them stays, as if it did not exist. Returns the deleted instances.
    public func delete(studyInstanceUID: String, seriesInstanceUID: String? = nil, sopInstanceUID: String? = nil,
                       grant: Grant) async throws(ArchiveError) -> [StoredInstance] {
        try Self.check(grant, .delete)
        var conditions = ["st.studyInstanceUID = ?"]
        var values: [String] = []
        do {
            values.append(try ValidatedUID(studyInstanceUID).value)
            if let seriesInstanceUID {
                conditions.append("se.seriesInstanceUID = ?")
                values.append(try ValidatedUID(seriesInstanceUID).value)
            }
            if let sopInstanceUID {
                conditions.append("i.sopInstanceUID = ?")
                values.append(try ValidatedUID(sopInstanceUID).value)
            }
        } catch {
            throw .invalidUID(error)
        }
        let (scope, scopeArguments) = grant.studies.sqlFilter(study: "st")
        conditions.append(scope)
        values += scopeArguments
        let sql = ArchiveIndex.instanceSelect + " WHERE " + conditions.joined(separator: " AND ") + " ORDER BY i.id"
        let deleted = try index.write("delete instances") { db in
            let rows = try db.fetchAll(sql, values)
            _ = try ArchiveIndex.delete(instanceRowIDs: try rows.map { try $0.requiredInteger("id") }, db: db)
            return try rows.map { try ArchiveIndex.storedInstance($0) }
        }
        let deferred = deleted.compactMap { blobs.removeOrDefer($0.blobPath) }
        // Each of these names one version only (an object store's): no store can file under it
        // while the actor waits here.
        for blobPath in deferred { await blobs.remove(blobPath) }
        return deleted
    }

    // MARK: Recovery

    /// Removes the blobs no index row names that were written more than `grace` ago, and
    /// returns how many: the object store's counterpart of the orphan removal of start-up
    /// recovery (a crash between upload and index commit, or a delete that failed after its
    /// commit). A local folder has none left to remove. The grace period is for stores in
    /// flight, here or on another node sharing the bucket and index: their objects are
    /// uploaded but not yet indexed, so it must exceed the longest upload and commit (an
    /// object's time is its upload's start for a multipart upload). Reads no patient data, and
    /// runs at start-up, before anyone signs in: no grant.
    public nonisolated func removeUnindexedBlobs(olderThan grace: Duration = .seconds(3600), now: Date = Date()) async throws(ArchiveError) -> Int {
        let cutoff = now.addingTimeInterval(-Double(grace.components.seconds))
        let candidates: [String]
        do {
            candidates = try await blobs.blobsWritten(before: cutoff)
        } catch {
            throw .blobStore(error)
        }
        guard !candidates.isEmpty else { return 0 }
        // Read after the listing: an object whose store committed meanwhile is indexed here.
        let indexed = try index.read("list blobs") { db in
            Set(try db.fetchAll("SELECT blobPath FROM instance").map { try $0.requiredText("blobPath") })
        }
        let orphans = candidates.filter { !indexed.contains($0) }
        guard orphans.count <= unindexedLimit else {
            throw .blobStore(.unindexedObjects(count: orphans.count, indexed: indexed.count, location: blobs.location))
        }
        for blobPath in orphans { await blobs.remove(blobPath) }
        return orphans.count
    }

    private static func recover(index: ArchiveIndex, blobs: any BlobStorage) throws(ArchiveError) -> RecoveryReport {
        try blobs.recover(index: index)
    }

    static func check(_ grant: Grant, _ action: AccessAction) throws(ArchiveError) {
        guard grant.action == action else { throw .wrongGrant(required: action, granted: grant.action) }
    }
}
