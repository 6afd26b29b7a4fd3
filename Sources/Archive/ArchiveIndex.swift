import Access
import DICOM
import DICOMNetwork
import Foundation
import GRDB

/// The index of an archive: patients, studies, series and instances in an `IndexDatabase`,
/// the embedded SQLite (`SQLiteIndexDatabase`) or PostgreSQL (`PostgresIndexDatabase`), with
/// the same SQL on both but for what `IndexDialect` says.
///
/// Each entity row keeps its merged attributes (`EntityRecord`) encoded as a data set, and the
/// standard keys of PS3.4 C.6.1.1 in columns of their own for SQL to narrow queries
/// (`IndexColumn`, `QueryPlan`), each holding the value the entity's instances agree on
/// (`agreed`). Counts are computed when asked; Modalities in Study and SOP Classes in Study are
/// kept in the study row. Every statement binds its values.
struct ArchiveIndex: Sendable {
    let database: any IndexDatabase

    /// The embedded index: SQLite at `path`, created and migrated when needed.
    init(path: String) throws(ArchiveError) {
        database = try SQLiteIndexDatabase(path: path, migrator: Self.sqliteMigrator)
    }

    /// An index on another back end (PostgreSQL), already migrated.
    init(database: any IndexDatabase) {
        self.database = database
    }

    static var sqliteMigrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "patient") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("patientKey", .text).notNull().unique()
                t.column("patientIDVaries", .boolean).notNull().defaults(to: false)
                t.column("patientID", .text)
                t.column("patientName", .text)
                t.column("patientBirthDate", .text)
                t.column("patientSex", .text)
                t.column("attributes", .blob).notNull()
            }
            try db.create(table: "study") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("studyInstanceUID", .text).notNull().unique()
                t.column("patientRowID", .integer).notNull().indexed().references("patient", onDelete: .restrict)
                t.column("studyDate", .text)
                t.column("studyTime", .text)
                t.column("accessionNumber", .text)
                t.column("studyID", .text)
                t.column("studyDescription", .text)
                t.column("referringPhysicianName", .text)
                t.column("modalitiesInStudy", .text)
                t.column("sopClassesInStudy", .text)
                t.column("attributes", .blob).notNull()
            }
            try db.create(table: "series") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("seriesInstanceUID", .text).notNull().unique()
                t.column("studyRowID", .integer).notNull().indexed().references("study", onDelete: .restrict)
                t.column("modality", .text)
                t.column("seriesNumber", .text)
                t.column("seriesDescription", .text)
                t.column("attributes", .blob).notNull()
            }
            try db.create(table: "instance") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("sopInstanceUID", .text).notNull().unique()
                t.column("seriesRowID", .integer).notNull().indexed().references("series", onDelete: .restrict)
                t.column("sopClassUID", .text).notNull()
                t.column("instanceNumber", .text)
                t.column("modality", .text)
                t.column("transferSyntaxUID", .text).notNull()
                t.column("blobPath", .text).notNull().unique()
                t.column("size", .integer).notNull()
                t.column("sha256", .text)
                t.column("attributes", .blob).notNull()
            }
            for column in ["patientID", "patientName", "patientBirthDate"] {
                try db.create(index: "patient_\(column)", on: "patient", columns: [column])
            }
            for column in ["studyDate", "accessionNumber", "studyID"] {
                try db.create(index: "study_\(column)", on: "study", columns: [column])
            }
            try db.create(index: "series_modality", on: "series", columns: ["modality"])
            try db.create(index: "instance_sopClassUID", on: "instance", columns: ["sopClassUID"])
        }
        // v1 filled an entity's columns from its merged record; they now hold the value its
        // instances agree on (`agreed`), which relational queries narrow on: recomputed once.
        migrator.registerMigration("v2-agreed-columns") { db in
            // The rebuild fills every column `IndexColumn` names today, so those of later
            // migrations must exist first.
            try addStudyInstitutionColumn(db)
            func all(_ table: String) throws -> Set<Int64> { Set(try Int64.fetchAll(db, sql: "SELECT id FROM \(table)")) }
            try rebuild(AffectedRows(patients: try all("patient"), studies: try all("study"), series: try all("series")),
                        db: SQLiteIndexTransaction(db: db))
        }
        // A study an administrator restricted to an access group (`Archive.restrict`): only
        // grants that open the group reach it (`StudyScope`).
        migrator.registerMigration("v3-study-access-group") { db in
            try db.alter(table: "study") { t in t.add(column: "accessGroup", .text) }
        }
        // The study conditions of a policy read Institution Name (0008,0080) at study level
        // (`StudyScope`): the value the study's instances agree on, computed once for the
        // studies archived before.
        migrator.registerMigration("v4-study-institution") { db in
            try addStudyInstitutionColumn(db)
            try rebuild(AffectedRows(studies: Set(try Int64.fetchAll(db, sql: "SELECT id FROM study"))), db: SQLiteIndexTransaction(db: db))
        }
        // The query plan's "the matcher decides" arms made indexable, so that SQLite combines
        // index searches (MULTI-INDEX OR) instead of scanning every study: the test for a date
        // the matcher must decide (`IndexDialect.irregularDate`) as a generated column with an
        // index, and an index on patients with several Patient IDs. PostgreSQL's v3 does the same.
        migrator.registerMigration("v5-indexable-match-arms") { db in
            for (table, column) in [("patient", "patientBirthDate"), ("study", "studyDate")] {
                try db.execute(sql: """
                    ALTER TABLE \(table) ADD COLUMN \(column)Irregular BOOLEAN GENERATED ALWAYS AS
                        (\(column) IS NULL OR \(column) = '' OR length(\(column)) <> 8 OR \(column) GLOB '*[^0-9]*') VIRTUAL
                    """)
                try db.execute(sql: "CREATE INDEX \(table)_\(column)Irregular ON \(table) (\(column)Irregular)")
            }
            try db.execute(sql: "CREATE INDEX patient_patientIDVaries ON patient (patientIDVaries)")
        }
        // `IndexColumn.Kind.personName`: names narrowed by prefix-like wild cards ("DOE*" is
        // `GLOB 'doe*'` on the folded name); names it cannot fold are NULL, always candidates.
        migrator.registerMigration("v6-folded-patient-names") { db in
            try db.execute(sql: """
                ALTER TABLE patient ADD COLUMN patientNameFolded TEXT GENERATED ALWAYS AS
                    (CASE WHEN patientName GLOB '*[^ -~]*' OR instr(patientName, '=') > 0 THEN NULL ELSE lower(ltrim(patientName)) END) VIRTUAL
                """)
            try db.execute(sql: "CREATE INDEX patient_patientNameFolded ON patient (patientNameFolded)")
        }
        return migrator
    }

    /// Adds `study.institutionName` unless it is there (v2 may have added it on an older index).
    private static func addStudyInstitutionColumn(_ db: Database) throws {
        guard try !db.columns(in: "study").contains(where: { $0.name == "institutionName" }) else { return }
        try db.alter(table: "study") { t in t.add(column: "institutionName", .text) }
    }


    /// The study conditions' attributes of an archived study, nil when it is not archived.
    static func studyAttributes(studyInstanceUID: String, db: any IndexTransaction) throws -> StudyAttributes? {
        try db.fetchOne("SELECT institutionName, referringPhysicianName FROM study WHERE studyInstanceUID = ?", [studyInstanceUID])
            .map { StudyAttributes(institutionName: try $0.text("institutionName"), referringPhysicianName: try $0.text("referringPhysicianName")) }
    }

    // MARK: Reading

    /// Runs a read, turning the back end's errors into the archive's.
    func read<T>(_ operation: String, _ body: (any IndexTransaction) throws -> T) throws(ArchiveError) -> T {
        do {
            return try database.read(body)
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw failure(operation, error)
        }
    }

    func write<T>(_ operation: String, _ body: (any IndexTransaction) throws -> T) throws(ArchiveError) -> T {
        do {
            return try database.write(body)
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw failure(operation, error)
        }
    }

    /// Runs `body` in a savepoint of `db`, a write transaction: an error undoes what `body` did
    /// and is returned, and the rest of the transaction stands. A PostgreSQL conflict is rethrown
    /// instead: the whole transaction runs again (`PostgresIndexDatabase.write`).
    func inSavepoint(_ db: any IndexTransaction, _ operation: String,
                     _ body: (any IndexTransaction) throws -> Void) throws -> Result<Void, ArchiveError> {
        try db.execute("SAVEPOINT filing")
        do {
            try body(db)
            try db.execute("RELEASE SAVEPOINT filing")
            return .success(())
        } catch where !PostgresIndexDatabase.isConflict(error) {
            try db.execute("ROLLBACK TO SAVEPOINT filing")
            try db.execute("RELEASE SAVEPOINT filing")
            return .failure(error as? ArchiveError ?? failure(operation, error))
        }
    }

    /// A back end's error as the archive's: the PostgreSQL server's with what it said.
    private func failure(_ operation: String, _ error: any Error) -> ArchiveError {
        database is PostgresIndexDatabase
            ? .indexServer(operation: operation, underlying: PostgresIndexDatabase.explain(error))
            : .index(operation: operation, underlying: "\(error)")
    }

    static let instanceSelect = """
        SELECT i.id, i.sopInstanceUID, i.sopClassUID, i.transferSyntaxUID, i.blobPath, i.size, i.sha256,
               se.seriesInstanceUID, st.studyInstanceUID, p.patientKey
        FROM instance i JOIN series se ON se.id = i.seriesRowID JOIN study st ON st.id = se.studyRowID
             JOIN patient p ON p.id = st.patientRowID
        """

    static func storedInstance(_ row: IndexRow) throws -> StoredInstance {
        StoredInstance(sopClassUID: try row.requiredText("sopClassUID"), sopInstanceUID: try row.requiredText("sopInstanceUID"),
                       patientID: try row.requiredText("patientKey"),
                       studyInstanceUID: try row.requiredText("studyInstanceUID"), seriesInstanceUID: try row.requiredText("seriesInstanceUID"),
                       blobPath: try row.requiredText("blobPath"),
                       transferSyntax: TransferSyntax(uid: try row.requiredText("transferSyntaxUID")),
                       size: Int(try row.requiredInteger("size")), sha256: try row.text("sha256"))
    }

    static func instance(sopInstanceUID: String, db: any IndexTransaction) throws -> StoredInstance? {
        try db.fetchOne(instanceSelect + " WHERE i.sopInstanceUID = ?", [sopInstanceUID]).map { try storedInstance($0) }
    }

    static func decode(_ row: IndexRow, table: String) throws -> DataSet {
        let rowID = (try? row.integer("entityID")) ?? (try? row.integer("id")) ?? nil
        do {
            return try EntityRecord.decode(try row.bytes("attributes") ?? [])
        } catch {
            throw ArchiveError.corruptIndexRow(table: table, rowID: rowID ?? 0, underlying: "\(error)")
        }
    }

    // MARK: Writing

    /// Why the object cannot be filed where its UIDs put it, or nil.
    static func hierarchyConflict(_ item: IngestedInstance, db: any IndexTransaction) throws -> String? {
        if let patientKey = try db.fetchOne("""
            SELECT p.patientKey FROM study st JOIN patient p ON p.id = st.patientRowID WHERE st.studyInstanceUID = ?
            """, [item.studyInstanceUID])?.text("patientKey"), patientKey != item.patientKey {
            return "study \(item.studyInstanceUID) is archived under another Patient ID"
        }
        if let studyUID = try db.fetchOne("""
            SELECT st.studyInstanceUID FROM series se JOIN study st ON st.id = se.studyRowID WHERE se.seriesInstanceUID = ?
            """, [item.seriesInstanceUID])?.text("studyInstanceUID"), studyUID != item.studyInstanceUID {
            return "series \(item.seriesInstanceUID) is archived under study \(studyUID)"
        }
        return nil
    }

    /// Files a new instance: entity rows found or created and their records grown.
    static func insert(_ item: IngestedInstance, db: any IndexTransaction) throws {
        var writes = EntityRowWrites()
        try insert(item, db: db, writes: &writes)
        try writes.write(db: db)
    }

    /// Files a new instance, its entities' records grown in `writes` until `writes.write`: many
    /// instances filed in one transaction (a bulk load) then read and write each entity row
    /// once, not once per instance.
    static func insert(_ item: IngestedInstance, db: any IndexTransaction, writes: inout EntityRowWrites) throws {
        let (studyRowID, seriesRowID) = try entityRows(for: item, db: db, merging: true, writes: &writes)
        try db.execute("""
            INSERT INTO instance (sopInstanceUID, seriesRowID, sopClassUID, instanceNumber, modality, transferSyntaxUID, blobPath, size, sha256, attributes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [item.sopInstanceUID, seriesRowID, item.sopClassUID,
                  AttributeText.column(ArchiveTag.instanceNumber, in: item.attributes),
                  item.modalities.joined(separator: "\\"), item.transferSyntaxUID, item.blobPath, item.size, item.sha256,
                  try EntityRecord.encode(item.attributes)])
        try growStudyLists(studyRowID, with: item, db: db, writes: &writes)
    }

    /// Replaces an archived instance in place (it keeps its position in the order of storage, as
    /// `InstanceIndex.insert` does) and rebuilds every entity it left or joined.
    static func replace(_ item: IngestedInstance, db: any IndexTransaction) throws {
        let before = try affectedRows(sopInstanceUID: item.sopInstanceUID, db: db)
        var unmerged = EntityRowWrites()
        let seriesRowID = try entityRows(for: item, db: db, merging: false, writes: &unmerged).series
        try db.execute("""
            UPDATE instance SET seriesRowID = ?, sopClassUID = ?, instanceNumber = ?, modality = ?, transferSyntaxUID = ?,
                blobPath = ?, size = ?, sha256 = ?, attributes = ? WHERE sopInstanceUID = ?
            """, [seriesRowID, item.sopClassUID, AttributeText.column(ArchiveTag.instanceNumber, in: item.attributes),
                  item.modalities.joined(separator: "\\"), item.transferSyntaxUID, item.blobPath, item.size, item.sha256,
                  try EntityRecord.encode(item.attributes), item.sopInstanceUID])
        let after = try affectedRows(sopInstanceUID: item.sopInstanceUID, db: db)
        try removeEmptyEntities(db: db)
        try rebuild(before.union(after), db: db)
    }

    /// Deletes instance rows and the entities left empty, rebuilding what remains of the
    /// others; returns the blob paths of the deleted instances.
    static func delete(instanceRowIDs: [Int64], db: any IndexTransaction) throws -> [String] {
        var affected = AffectedRows()
        var paths: [String] = []
        for rowID in instanceRowIDs {
            guard let row = try db.fetchOne("SELECT sopInstanceUID, blobPath FROM instance WHERE id = ?", [rowID]) else { continue }
            affected = affected.union(try affectedRows(sopInstanceUID: try row.requiredText("sopInstanceUID"), db: db))
            paths.append(try row.requiredText("blobPath"))
            try db.execute("DELETE FROM instance WHERE id = ?", [rowID])
        }
        try removeEmptyEntities(db: db)
        try rebuild(affected, db: db)
        return paths
    }

    /// The patient, study and series rows of an instance (its own, not created ones).
    struct AffectedRows {
        var patients: Set<Int64> = []
        var studies: Set<Int64> = []
        var series: Set<Int64> = []

        func union(_ other: AffectedRows) -> AffectedRows {
            AffectedRows(patients: patients.union(other.patients), studies: studies.union(other.studies), series: series.union(other.series))
        }
    }

    private static func affectedRows(sopInstanceUID: String, db: any IndexTransaction) throws -> AffectedRows {
        guard let row = try db.fetchOne("""
            SELECT se.id AS seriesRowID, st.id AS studyRowID, st.patientRowID AS patientRowID
            FROM instance i JOIN series se ON se.id = i.seriesRowID JOIN study st ON st.id = se.studyRowID
            WHERE i.sopInstanceUID = ?
            """, [sopInstanceUID])
        else { return AffectedRows() }
        return AffectedRows(patients: [try row.requiredInteger("patientRowID")], studies: [try row.requiredInteger("studyRowID")],
                            series: [try row.requiredInteger("seriesRowID")])
    }

    /// Finds or creates the patient, study and series rows of `item`; returns the study and series rows.
    /// With `merging`, the item's attributes are merged into each record (a new instance comes
    /// last in storage order, so merging equals rebuilding).
    private static func entityRows(for item: IngestedInstance, db: any IndexTransaction, merging: Bool,
                                   writes: inout EntityRowWrites) throws -> (study: Int64, series: Int64) {
        let patientRowID = try entityRow(table: "patient", keyColumn: "patientKey", key: item.patientKey, parent: nil,
                                         level: .patient, item: item, merging: merging, db: db, writes: &writes)
        if !item.patientIDIsSingle {
            try db.execute("UPDATE patient SET patientIDVaries = 1 WHERE id = ?", [patientRowID])
        }
        let studyRowID = try entityRow(table: "study", keyColumn: "studyInstanceUID", key: item.studyInstanceUID,
                                       parent: ("patientRowID", patientRowID), level: .study, item: item, merging: merging, db: db, writes: &writes)
        return (studyRowID, try entityRow(table: "series", keyColumn: "seriesInstanceUID", key: item.seriesInstanceUID,
                                          parent: ("studyRowID", studyRowID), level: .series, item: item, merging: merging, db: db, writes: &writes))
    }

    /// Finds the entity row of `key` (locked for the merge, `IndexDialect.forUpdate`) or creates
    /// it. Another node may create the same row meanwhile: the insert then does nothing and
    /// the row is read again, so neither store fails nor duplicates it.
    /// `table`, `keyColumn` and the parent column are names from this file, never input.
    /// With `merging`, the merged record goes to `writes` (written by `writes.write`), and a row
    /// `writes` holds already is merged there without reading it again.
    private static func entityRow(table: String, keyColumn: String, key: String, parent: (String, Int64)?,
                                  level: QueryRetrieveLevel, item: IngestedInstance, merging: Bool, db: any IndexTransaction,
                                  writes: inout EntityRowWrites) throws -> Int64 {
        let columns = IndexColumn.columns(of: table)
        let own = columns.map { AttributeText.column($0.tag, in: item.attributes) }
        let held = EntityRowWrites.Key(table: table, key: key)
        if merging, var entity = writes.entities[held] {
            let before = (entity.record, entity.columns)
            EntityRecord.merge(item.attributes, into: &entity.record, level: level)
            entity.columns = zip(entity.columns, own).map(agreed)
            entity.changed = entity.changed || entity.record != before.0 || entity.columns != before.1
            writes.entities[held] = entity
            return entity.id
        }
        let select = (["id", "attributes"] + columns.map(\.name)).joined(separator: ", ")
        // Twice at most: a row a concurrent insert won is there to be read the second time.
        for _ in 0..<2 {
            if let row = try db.fetchOne("SELECT \(select) FROM \(table) WHERE \(keyColumn) = ?" + db.dialect.forUpdate, [key]) {
                let rowID = try row.requiredInteger("id")
                if merging {
                    var record = try decode(row, table: table)
                    let before = record
                    EntityRecord.merge(item.attributes, into: &record, level: level)
                    let old = try columns.map { try row.text($0.name) }
                    let agreed = zip(old, own).map(agreed)
                    writes.entities[held] = .init(id: rowID, record: record, columns: agreed, changed: record != before || agreed != old)
                }
                return rowID
            }
            var record = DataSet()
            EntityRecord.merge(item.attributes, into: &record, level: level)
            var names = [keyColumn, "attributes"] + columns.map(\.name)
            var values: [any IndexArgument] = [key, try EntityRecord.encode(record)]
            values += own.map { $0 as any IndexArgument }
            if let parent {
                names.append(parent.0)
                values.append(parent.1)
            }
            let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
            if let inserted = try db.fetchOne("""
                INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(marks))
                ON CONFLICT (\(keyColumn)) DO NOTHING RETURNING id
                """, values) {
                let rowID = try inserted.requiredInteger("id")
                if merging { writes.entities[held] = .init(id: rowID, record: record, columns: own, changed: false) }
                return rowID
            }
        }
        throw ArchiveError.index(operation: "file into \(table) row \(key)", underlying: "the row was neither found nor created; try again")
    }

    /// `columns` are the values of `IndexColumn.columns(of: table)`, in that order.
    fileprivate static func update(table: String, rowID: Int64, record: DataSet, columns: [String?], db: any IndexTransaction) throws {
        let assignments = (["attributes"] + IndexColumn.columns(of: table).map(\.name)).map { "\($0) = ?" }.joined(separator: ", ")
        var values: [any IndexArgument] = [try EntityRecord.encode(record)]
        values += columns.map { $0 as any IndexArgument }
        values.append(rowID)
        try db.execute("UPDATE \(table) SET \(assignments) WHERE id = ?", values)
    }

    /// An index column of an entity holds the value that every instance under it has, and nil
    /// when they differ or have none (folded in storage order: `agreed(value so far, next)`).
    /// Any record built from some of those instances then has that value too, so `QueryPlan`
    /// may narrow on the column at the entity's level and at every level below it (relational
    /// queries); a nil column leaves the entity to the matcher.
    static func agreed(_ current: String?, _ next: String?) -> String? {
        current == next ? current : nil
    }

    /// Modalities in Study and SOP Classes in Study in order of first appearance, as
    /// `InstanceIndex.Statistics` lists them; a new instance can only append.
    private static func growStudyLists(_ studyRowID: Int64, with item: IngestedInstance, db: any IndexTransaction,
                                       writes: inout EntityRowWrites) throws {
        var lists: EntityRowWrites.StudyLists
        if let held = writes.studyLists[studyRowID] {
            lists = held
        } else {
            let row = try db.fetchOne("SELECT modalitiesInStudy, sopClassesInStudy FROM study WHERE id = ?" + db.dialect.forUpdate, [studyRowID])
            lists = .init(modalities: Self.list(try row?.text("modalitiesInStudy")), classes: Self.list(try row?.text("sopClassesInStudy")))
        }
        for modality in item.modalities where !lists.modalities.contains(modality) {
            lists.modalities.append(modality)
            lists.changed = true
        }
        if !item.sopClassUID.isEmpty, !lists.classes.contains(item.sopClassUID) {
            lists.classes.append(item.sopClassUID)
            lists.changed = true
        }
        writes.studyLists[studyRowID] = lists
    }

    /// The entity rows a transaction has read to file instances, with their records and study
    /// lists as merged so far. Each row is locked from its first read (`IndexDialect.forUpdate`)
    /// to the commit, so what is held here is what the index holds for this transaction; most
    /// objects join a series whose records they do not change, and then nothing is written.
    struct EntityRowWrites {
        struct Key: Hashable {
            let table: String
            let key: String
        }

        struct Entity {
            let id: Int64
            var record: DataSet
            var columns: [String?]
            var changed: Bool
        }

        struct StudyLists {
            var modalities: [String]
            var classes: [String]
            var changed = false
        }

        fileprivate var entities: [Key: Entity] = [:]
        fileprivate var studyLists: [Int64: StudyLists] = [:]

        /// Writes the records and study lists that changed, in row order.
        func write(db: any IndexTransaction) throws {
            for (key, entity) in entities.filter(\.value.changed).sorted(by: { ($0.key.table, $0.value.id) < ($1.key.table, $1.value.id) }) {
                try ArchiveIndex.update(table: key.table, rowID: entity.id, record: entity.record, columns: entity.columns, db: db)
            }
            for (rowID, lists) in studyLists.filter(\.value.changed).sorted(by: { $0.key < $1.key }) {
                try db.execute("UPDATE study SET modalitiesInStudy = ?, sopClassesInStudy = ? WHERE id = ?",
                               [lists.modalities.isEmpty ? nil : lists.modalities.joined(separator: "\\"),
                                lists.classes.isEmpty ? nil : lists.classes.joined(separator: "\\"), rowID])
            }
        }
    }

    static func list(_ text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: "\\").map(String.init)
    }

    private static func removeEmptyEntities(db: any IndexTransaction) throws {
        try db.execute("DELETE FROM series WHERE NOT EXISTS (SELECT 1 FROM instance WHERE instance.seriesRowID = series.id)")
        try db.execute("DELETE FROM study WHERE NOT EXISTS (SELECT 1 FROM series WHERE series.studyRowID = study.id)")
        try db.execute("DELETE FROM patient WHERE NOT EXISTS (SELECT 1 FROM study WHERE study.patientRowID = patient.id)")
    }

    /// Rebuilds the records (and study lists) of the rows that still exist, from their
    /// remaining instances in storage order.
    static func rebuild(_ rows: AffectedRows, db: any IndexTransaction) throws {
        let scopes: [(String, QueryRetrieveLevel, Set<Int64>, String)] = [
            ("patient", .patient, rows.patients, "st.patientRowID"),
            ("study", .study, rows.studies, "se.studyRowID"),
            ("series", .series, rows.series, "i.seriesRowID"),
        ]
        for (table, level, ids, parentColumn) in scopes {
            for rowID in ids.sorted() {
                guard try db.fetchOne("SELECT 1 AS present FROM \(table) WHERE id = ?", [rowID]) != nil else { continue }
                let instances = try db.fetchAll("""
                    SELECT i.id, i.attributes, i.sopClassUID, i.modality
                    FROM instance i JOIN series se ON se.id = i.seriesRowID JOIN study st ON st.id = se.studyRowID
                    WHERE \(parentColumn) = ? ORDER BY i.id
                    """, [rowID])
                var record = DataSet()
                let columns = IndexColumn.columns(of: table)
                var values: [String?]?
                var patientIDVaries = false
                var modalities: [String] = []
                var classes: [String] = []
                for instance in instances {
                    let attributes = try decode(instance, table: "instance")
                    EntityRecord.merge(attributes, into: &record, level: level)
                    let own = columns.map { AttributeText.column($0.tag, in: attributes) }
                    values = values.map { zip($0, own).map(agreed) } ?? own
                    if let element = attributes[ArchiveTag.patientID],
                       (AttributeText.values(of: element, characterSet: ElementText.characterSet(of: attributes))?.count ?? 0) > 1 {
                        patientIDVaries = true
                    }
                    for modality in list(try instance.text("modality")) where !modalities.contains(modality) { modalities.append(modality) }
                    let sopClass = try instance.requiredText("sopClassUID")
                    if !sopClass.isEmpty, !classes.contains(sopClass) { classes.append(sopClass) }
                }
                try update(table: table, rowID: rowID, record: record,
                           columns: values ?? Array(repeating: nil, count: columns.count), db: db)
                if table == "patient" {
                    try db.execute("UPDATE patient SET patientIDVaries = ? WHERE id = ?", [patientIDVaries, rowID])
                }
                if table == "study" {
                    try db.execute("UPDATE study SET modalitiesInStudy = ?, sopClassesInStudy = ? WHERE id = ?",
                                   [modalities.isEmpty ? nil : modalities.joined(separator: "\\"),
                                    classes.isEmpty ? nil : classes.joined(separator: "\\"), rowID])
                }
            }
        }
    }

    // MARK: Queries

    /// Candidate entities of the query's level with their records, the computed attributes the
    /// query names added (all of them `withEveryComputedAttribute`), kept when `query.matches`
    /// accepts them: the same records, in the same order, as `InstanceIndex.find` over the same
    /// objects. With `limit`, the scan stops at that many.
    static func matchingEntities(_ query: QueryIdentifier, studies: StudyScope, withEveryComputedAttribute: Bool = false,
                                 limit: Int? = nil, db: any IndexTransaction) throws -> [(rowID: Int64, record: DataSet)] {
        let plan = QueryPlan(query, studies: studies, dialect: db.dialect)
        var matches: [(Int64, DataSet)] = []
        let table = ["PATIENT": "patient", "STUDY": "study", "SERIES": "series", "IMAGE": "instance"][query.level.rawValue]!
        // A computed key with a value takes part in matching; empty (universal), it matches any record.
        let matcher = query.matcher()
        let matchesOnComputedKeys = query.keys.contains {
            computedTags.contains($0.tag) && !ElementText.isEmpty($0, characterSet: query.characterSet)
        }
        // Counting is most of the work of a large answer: only what the response will carry.
        let computed = withEveryComputedAttribute ? computedTags : computedTags.intersection(query.keys.map(\.tag))
        try db.forEachRow(plan.sql, values: plan.values) { row in
            guard matches.count < limit ?? .max else { return false }
            let rowID = try row.requiredInteger("entityID")
            var record: DataSet
            if query.model == .patientStudyOnly, query.level == .study {
                // In this model series and instance attributes belong to the study: merged now.
                record = DataSet()
                for instance in try db.fetchAll("""
                    SELECT i.id, i.attributes FROM instance i JOIN series se ON se.id = i.seriesRowID
                    WHERE se.studyRowID = ? ORDER BY i.id
                    """, [rowID]) {
                    EntityRecord.merge(try decode(instance, table: "instance"), into: &record, level: .study, model: query.model)
                }
            } else {
                record = try decode(row, table: table)
            }
            if matchesOnComputedKeys {
                try addComputedAttributes(computed, to: &record, level: query.level, studies: studies, db: db)
                if matcher.matches(record) { matches.append((rowID, record)) }
            } else if matcher.matches(record) {
                // Up to three statements per record: for the matches only, not for every candidate.
                try addComputedAttributes(computed, to: &record, level: query.level, studies: studies, db: db)
                matches.append((rowID, record))
            }
            return matches.count < limit ?? .max
        }
        return matches
    }

    /// The keys `addComputedAttributes` fills.
    static let computedTags: Set<Tag> = [
        ArchiveTag.numberOfPatientRelatedStudies, ArchiveTag.numberOfPatientRelatedSeries, ArchiveTag.numberOfPatientRelatedInstances,
        ArchiveTag.numberOfStudyRelatedSeries, ArchiveTag.numberOfStudyRelatedInstances, ArchiveTag.modalitiesInStudy,
        ArchiveTag.sopClassesInStudy, ArchiveTag.numberOfSeriesRelatedInstances,
    ]

    /// The computed Optional Keys of PS3.4 C.6.1.1.2-4 and C.6.2.1.2-3 among `tags`, replacing
    /// any stored value, for the entities the record names (as `InstanceIndex.Statistics` does):
    /// one statement per entity with a key asked for, counting only the columns asked for. A
    /// patient's counts take only the studies in scope: a count must not tell of a study the
    /// grant hides.
    static func addComputedAttributes(_ tags: Set<Tag>, to record: inout DataSet, level: QueryRetrieveLevel, studies: StudyScope,
                                      db: any IndexTransaction) throws {
        func insertCount(_ tag: Tag, from row: IndexRow, _ column: String) throws {
            record.insert(DataElement.text(tag, .IS, [String(try row.requiredInteger(column))]))
        }
        let (scope, groups) = studies.sqlFilter(study: "st")
        let patientCounts = [
            (ArchiveTag.numberOfPatientRelatedStudies, "SELECT COUNT(*) FROM study st WHERE st.patientRowID = p.id AND \(scope)", "studies"),
            (ArchiveTag.numberOfPatientRelatedSeries,
             "SELECT COUNT(*) FROM series se JOIN study st ON st.id = se.studyRowID WHERE st.patientRowID = p.id AND \(scope)", "series"),
            (ArchiveTag.numberOfPatientRelatedInstances, """
             SELECT COUNT(*) FROM instance i JOIN series se ON se.id = i.seriesRowID JOIN study st ON st.id = se.studyRowID
             WHERE st.patientRowID = p.id AND \(scope)
             """, "instances"),
        ].filter { tags.contains($0.0) }
        if !patientCounts.isEmpty, let row = try db.fetchOne("""
            SELECT \(patientCounts.map { "(\($0.1)) AS \($0.2)" }.joined(separator: ", ")) FROM patient p WHERE p.patientKey = ?
            """, patientCounts.flatMap { _ in groups } + [AttributeText.first(ArchiveTag.patientID, in: record) ?? ""]) {
            for (tag, _, column) in patientCounts { try insertCount(tag, from: row, column) }
        }
        let studyCounts = [
            (ArchiveTag.numberOfStudyRelatedSeries, "SELECT COUNT(*) FROM series se WHERE se.studyRowID = st.id", "series"),
            (ArchiveTag.numberOfStudyRelatedInstances,
             "SELECT COUNT(*) FROM instance i JOIN series se ON se.id = i.seriesRowID WHERE se.studyRowID = st.id", "instances"),
        ].filter { tags.contains($0.0) }
        let studyLists = tags.contains(ArchiveTag.modalitiesInStudy) || tags.contains(ArchiveTag.sopClassesInStudy)
        if level >= .study, !studyCounts.isEmpty || studyLists, let row = try db.fetchOne("""
            SELECT \((studyCounts.map { "(\($0.1)) AS \($0.2)" } + ["st.modalitiesInStudy", "st.sopClassesInStudy"]).joined(separator: ", "))
            FROM study st WHERE st.studyInstanceUID = ?
            """, [AttributeText.first(ArchiveTag.studyInstanceUID, in: record) ?? ""]) {
            for (tag, _, column) in studyCounts { try insertCount(tag, from: row, column) }
            let modalities = list(try row.text("modalitiesInStudy"))
            if tags.contains(ArchiveTag.modalitiesInStudy), !modalities.isEmpty {
                record.insert(DataElement.text(ArchiveTag.modalitiesInStudy, .CS, modalities))
            }
            let classes = list(try row.text("sopClassesInStudy"))
            if tags.contains(ArchiveTag.sopClassesInStudy), !classes.isEmpty {
                record.insert(DataElement.text(ArchiveTag.sopClassesInStudy, .UI, classes))
            }
        }
        if level >= .series, tags.contains(ArchiveTag.numberOfSeriesRelatedInstances), let count = try db.fetchOne("""
            SELECT COUNT(*) AS instances FROM instance i JOIN series se ON se.id = i.seriesRowID WHERE se.seriesInstanceUID = ? GROUP BY se.id
            """, [AttributeText.first(ArchiveTag.seriesInstanceUID, in: record) ?? ""])?.requiredInteger("instances") {
            record.insert(DataElement.text(ArchiveTag.numberOfSeriesRelatedInstances, .IS, [String(count)]))
        }
    }

    /// The instances under an entity of `level` in studies of `studies`, in storage order.
    static func instances(under rowID: Int64, level: QueryRetrieveLevel, studies: StudyScope, db: any IndexTransaction) throws -> [StoredInstance] {
        let column = switch level {
        case .patient: "st.patientRowID"
        case .study: "st.id"
        case .series: "se.id"
        case .image: "i.id"
        }
        let (scope, groups) = studies.sqlFilter(study: "st")
        return try db.fetchAll(instanceSelect + " WHERE \(column) = ? AND \(scope) ORDER BY i.id", [rowID] + groups)
            .map { try storedInstance($0) }
    }

    static func counts(db: any IndexTransaction) throws -> ArchiveCounts {
        func count(_ table: String) throws -> Int {
            Int(try db.fetchOne("SELECT COUNT(*) AS rows FROM \(table)")?.requiredInteger("rows") ?? 0)
        }
        return ArchiveCounts(patients: try count("patient"), studies: try count("study"), series: try count("series"),
                             instances: try count("instance"))
    }
}
