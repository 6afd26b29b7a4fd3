#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Access
import CoreMetrics
import DICOM
import DICOMNetwork

/// The archive: Part 10 objects in a `BlobStore`, indexed in an `ArchiveIndex`, reached only
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
/// index) and `blobs/`.
public actor Archive {
    public nonisolated let directory: String
    public nonisolated let duplicatePolicy: DuplicatePolicy
    /// What start-up recovery found when this archive was opened.
    public nonisolated let recoveryReport: RecoveryReport
    nonisolated let index: ArchiveIndex
    nonisolated let blobs: BlobStore
    private nonisolated let lock: ArchiveLock
    /// Counts what is filed (swift-metrics; by default kept nowhere).
    private nonisolated let metrics: any MetricsFactory

    /// Opens the archive in `directory`, creating it (mode 0700) when needed, takes its lock
    /// (`ArchiveError.inUse` when another process has it open), opens and migrates the index
    /// (`index`: SQLite in `directory` by default, or PostgreSQL), then recovers from any crash:
    /// blobs without an index row and temporary files are removed; index rows whose blob is
    /// missing are reported in `recoveryReport`.
    public init(directory: String, duplicatePolicy: DuplicatePolicy = .keep, index location: IndexLocation = .embedded,
                metrics: any MetricsFactory = NOOPMetricsHandler.instance) throws(ArchiveError) {
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
            blobs = try BlobStore(root: directory + "/blobs")
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
        return try await store(ingested, from: path, moving: moving, grant: try await authorize(subjects))
    }

    private nonisolated func store(_ ingested: Result<IngestedInstance, StoreRejection>, from path: String, moving: Bool,
                                   grant: Grant) async throws(ArchiveError) -> StoreOutcome {
        let outcome = try await file(ingested, from: path, moving: moving, grant: grant)
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

    private nonisolated func file(_ ingested: Result<IngestedInstance, StoreRejection>, from path: String, moving: Bool,
                                  grant: Grant) async throws(ArchiveError) -> StoreOutcome {
        try Self.check(grant, .store)
        let item: IngestedInstance
        switch ingested {
        case .failure(let rejection): return .rejected(rejection)
        case .success(let ingested): item = ingested
        }
        // The grant reaches only studies inside its data limits: an object outside them is not
        // filed, whatever study it names (the modality of one institution cannot file into
        // another's studies).
        if let outside = grant.studies.dataExclusion(of: item.studyAttributes) {
            return .rejected(.outsideGrant("the object is outside the studies the grant reaches: \(outside)"))
        }
        // A first look without the actor: a duplicate the policy keeps or refuses, or a conflict,
        // needs no copy. `file` looks again, as another store may have filed the UID meanwhile.
        if let settled = try lookUp(item, grant: grant).settled { return settled }

        let staged: StagedBlob
        do {
            staged = try blobs.stage(file: path, key: item.key, moving: moving)
        } catch {
            throw .blobStore(error)
        }
        let outcome: StoreOutcome
        do {
            outcome = try await file(item, staged: staged, grant: grant)
        } catch {
            blobs.discard(staged)
            throw error
        }
        switch outcome {
        case .stored, .replaced:
            if moving, case .copy = staged.origin { unlink(path) }
        case .duplicateKept, .rejected:
            blobs.discard(staged)
        }
        return outcome
    }

    /// What the index says of `item` now: the archived instance of its UID, and the outcome when
    /// that settles the store without a new blob (a duplicate kept or refused, a conflict, a
    /// study outside the grant's data limits).
    private nonisolated func lookUp(_ item: IngestedInstance, grant: Grant) throws(ArchiveError) -> (existing: StoredInstance?, settled: StoreOutcome?) {
        let (existing, conflict, study) = try index.read("look up an instance") { db in
            (try ArchiveIndex.instance(sopInstanceUID: item.sopInstanceUID, db: db, blobs: blobs),
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

    /// The serialized part of a store: decide against the index as it is now, rename the staged
    /// blob into place (durable when `commit` returns), then commit the index entry.
    private func file(_ item: IngestedInstance, staged: StagedBlob, grant: Grant) throws(ArchiveError) -> StoreOutcome {
        let (existing, settled) = try lookUp(item, grant: grant)
        if let settled { return settled }

        var filed = item
        do {
            filed.blobPath = try blobs.commit(staged, key: item.key)
        } catch {
            throw .blobStore(error)
        }
        filed.size = staged.size
        filed.sha256 = staged.sha256
        do {
            try index.write("record an instance") { db in
                if existing != nil {
                    try ArchiveIndex.replace(filed, db: db)
                } else {
                    try ArchiveIndex.insert(filed, db: db)
                }
            }
        } catch {
            // A new blob without a row would be an orphan: remove it now rather than at the next
            // start. A replaced blob cannot be taken back; it is a valid object of the same UID.
            if existing == nil { blobs.remove(filed.blobPath) }
            throw error
        }
        let stored = StoredInstance(sopClassUID: item.sopClassUID, sopInstanceUID: item.sopInstanceUID, patientID: item.patientKey,
                                    studyInstanceUID: item.studyInstanceUID, seriesInstanceUID: item.seriesInstanceUID,
                                    path: blobs.absolutePath(filed.blobPath),
                                    transferSyntax: TransferSyntax(uid: item.transferSyntaxUID), size: filed.size,
                                    sha256: filed.sha256)
        if let existing {
            // The replacement moved to another study or series: its old file is now unindexed.
            if existing.path != stored.path { blobs.remove(String(existing.path.dropFirst(blobs.root.count + 1))) }
            return .replaced(stored)
        }
        return .stored(stored)
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
            try ArchiveIndex.matchingEntities(query, studies: grant.studies, limit: limit, db: db).map { match in
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
                try ArchiveIndex.instances(under: $0.rowID, level: query.level, studies: grant.studies, db: db, blobs: blobs)
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
                return blobs.exists(try row.requiredText("blobPath")) ? .present : .fileMissing
            }
        }
    }

    /// Entity counts, for status pages and tests; no patient data, yet still behind the gate.
    public nonisolated func counts(grant: Grant) throws(ArchiveError) -> ArchiveCounts {
        try Self.check(grant, .administer)
        return try index.read("count entities") { db in try ArchiveIndex.counts(db: db) }
    }

    /// What the archive holds, in instances and bytes of their files, for the metrics (a
    /// `monitor` grant); and the space left on the blob store's file system.
    public nonisolated func storageUse(grant: Grant) throws(ArchiveError) -> StorageUse {
        try Self.check(grant, .monitor)
        let (instances, bytes) = try index.read("sum the archived objects") { db in
            // PostgreSQL sums BIGINTs as NUMERIC: cast back.
            let row = try db.fetchOne("SELECT COUNT(*) AS instances, CAST(COALESCE(SUM(size), 0) AS BIGINT) AS bytes FROM instance")
            return (Int(try row?.integer("instances") ?? 0), Int(try row?.integer("bytes") ?? 0))
        }
        var fileSystem = statvfs()
        let available = statvfs(blobs.root, &fileSystem) == 0 ? Int(fileSystem.f_bavail) * Int(fileSystem.f_frsize) : nil
        return StorageUse(instances: instances, bytes: bytes, availableBytes: available)
    }

    /// Whether the archive can work now: the index answers a read and the blob folder may be
    /// written. Reads no patient data, so it needs no grant (readiness probes run before anyone
    /// signs in). Throws what is wrong.
    public nonisolated func checkReady() throws(ArchiveError) {
        _ = try index.read("check the index answers") { db in try db.fetchOne("SELECT 1 AS answer") }
        guard access(blobs.root, W_OK) == 0 else {
            throw .blobStore(.cannotWrite(path: blobs.root, errno: errno))
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
            return try rows.map { (try ArchiveIndex.storedInstance($0, blobs: blobs), try $0.requiredText("blobPath")) }
        }
        for (_, path) in deleted { blobs.remove(path) }
        return deleted.map(\.0)
    }

    // MARK: Recovery

    /// Removes blobs without a row and temporary files, and counts rows whose blob is missing.
    /// Both sides are read a page at a time (blobs looked up by path, rows by id), so an index of
    /// millions of rows is never held in memory at once.
    private static func recover(index: ArchiveIndex, blobs: BlobStore) throws(ArchiveError) -> RecoveryReport {
        var report = RecoveryReport()
        let files = blobs.allFiles().sorted()
        var known = Set<String>()
        for start in stride(from: 0, to: files.count, by: 500) {
            let page = Array(files[start..<min(start + 500, files.count)])
            let marks = Array(repeating: "?", count: page.count).joined(separator: ", ")
            known.formUnion(try index.read("list blobs") { db in
                try db.fetchAll("SELECT blobPath FROM instance WHERE blobPath IN (\(marks))", page).map { try $0.requiredText("blobPath") }
            })
        }
        for file in files where !known.contains(file) {
            if BlobStore.isTemporaryName(file) {
                report.removedTemporaryFiles.append(file)
            } else {
                report.removedOrphans.append(file)
            }
            blobs.remove(file)
        }
        var after: Int64 = 0
        while true {
            let page = try index.read("list blobs") { db in
                try db.fetchAll("SELECT id, blobPath FROM instance WHERE id > ? ORDER BY id LIMIT 10000", [after])
                    .map { (id: try $0.requiredInteger("id"), path: try $0.requiredText("blobPath")) }
            }
            guard let last = page.last else { break }
            after = last.id
            for row in page where !blobs.exists(row.path) {
                report.missingBlobCount += 1
                guard report.missingBlobs.count < RecoveryReport.listedMissingBlobs else { continue }
                if let stored = try index.read("list blobs", { db in
                    try db.fetchOne(ArchiveIndex.instanceSelect + " WHERE i.id = ?", [row.id]).map { try ArchiveIndex.storedInstance($0, blobs: blobs) }
                }) {
                    report.missingBlobs.append(stored)
                }
            }
        }
        return report
    }

    static func check(_ grant: Grant, _ action: AccessAction) throws(ArchiveError) {
        guard grant.action == action else { throw .wrongGrant(required: action, granted: grant.action) }
    }
}
