import Logging

/// The PostgreSQL schema of the index and its migrations, each applied once and recorded in
/// `schema_migrations`. The tables are those of the SQLite schema as its migrations leave it
/// (`ArchiveIndex.sqliteMigrator`), with BIGINT identity keys and BYTEA records.
struct PostgresIndexSchema {
    /// The schema the index lives in (created when missing), nil for the connection's default.
    let schema: String?
    let logger: Logger

    struct Migration: Sendable {
        let version: String
        /// Returns false when it cannot apply yet: it stays unrecorded, to be tried at the next start.
        let apply: @Sendable (any IndexTransaction, Logger) throws -> Bool
    }

    static let migrations: [Migration] = [
        Migration(version: "v1", apply: { db, _ in
            for statement in tables + indexes { try db.execute(statement) }
            return true
        }),
        Migration(version: "v2-trigram-indexes", apply: { db, logger in try addTrigramIndexes(db, logger: logger) }),
        // The query plan's "the matcher decides" arms (`IndexDialect.irregularDate`, patients
        // with several Patient IDs) as partial indexes, so PostgreSQL combines index scans
        // instead of scanning the table (docs/scaling.md has the figures).
        Migration(version: "v3-partial-indexes", apply: { db, _ in
            for (table, column) in [("patient", "patientBirthDate"), ("study", "studyDate")] {
                try db.execute("""
                    ALTER TABLE \(table) ADD COLUMN \(column)Irregular BOOLEAN GENERATED ALWAYS AS
                        (\(column) IS NULL OR \(column) = '' OR length(\(column)) <> 8 OR \(column) ~ '[^0-9]') STORED
                    """)
                try db.execute("CREATE INDEX \(table)_\(column)Irregular ON \(table) (id) WHERE \(column)Irregular")
            }
            try db.execute("CREATE INDEX patient_patientIDVaries ON patient (id) WHERE patientIDVaries = 1")
            return true
        }),
        // `IndexColumn.Kind.personName`: names narrowed by prefix-like wild cards ("DOE*" is
        // `LIKE 'doe%'` on the folded name); names it cannot fold are NULL, always candidates.
        Migration(version: "v4-folded-patient-names", apply: { db, _ in
            try db.execute("""
                ALTER TABLE patient ADD COLUMN patientNameFolded TEXT GENERATED ALWAYS AS
                    (CASE WHEN patientName ~ '[^ -~]' OR strpos(patientName, '=') > 0 THEN NULL ELSE lower(ltrim(patientName)) END) STORED
                """)
            try db.execute("CREATE INDEX patient_patientNameFolded ON patient (patientNameFolded text_pattern_ops)")
            try db.execute("CREATE INDEX patient_patientNameUnfolded ON patient (id) WHERE patientNameFolded IS NULL OR patientNameFolded = ''")
            return true
        }),
        // The web UI's sessions, shared by the nodes (`SharedSessionTable`).
        Migration(version: "v5-web-sessions", apply: { db, _ in
            try db.execute("""
                CREATE TABLE web_session (
                    key TEXT PRIMARY KEY, userName TEXT NOT NULL, signIn TEXT NOT NULL, csrfToken TEXT NOT NULL,
                    created BIGINT NOT NULL, lastSeen BIGINT NOT NULL)
                """)
            try db.execute("CREATE INDEX web_session_lastSeen ON web_session (lastSeen)")
            return true
        }),
        // Logins through an identity provider under way, shared by the nodes (`SharedSessionTable`).
        Migration(version: "v6-web-pending-logins", apply: { db, _ in
            try db.execute("""
                CREATE TABLE web_pending_login (
                    state TEXT PRIMARY KEY, provider TEXT NOT NULL, nonce TEXT NOT NULL, binding TEXT NOT NULL, expires BIGINT NOT NULL)
                """)
            try db.execute("CREATE INDEX web_pending_login_expires ON web_pending_login (expires)")
            return true
        }),
    ]

    func migrate(_ database: PostgresIndexDatabase) throws {
        try database.write { db in
            if let schema { try db.execute("CREATE SCHEMA IF NOT EXISTS \(schema)") }
            // Nodes starting together migrate one at a time (lock held to the end of the transaction).
            try db.execute("SELECT pg_advisory_xact_lock(7263616)")
            try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, appliedAt TIMESTAMPTZ NOT NULL DEFAULT now())")
            let applied = Set(try db.fetchAll("SELECT version FROM schema_migrations").map { try $0.requiredText("version") })
            for migration in Self.migrations where !applied.contains(migration.version) {
                guard try migration.apply(db, logger) else { continue }
                try db.execute("INSERT INTO schema_migrations (version) VALUES (?)", [migration.version])
            }
        }
    }

    private static let tables = [
        """
        CREATE TABLE patient (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            patientKey TEXT NOT NULL UNIQUE,
            patientIDVaries INTEGER NOT NULL DEFAULT 0,
            patientID TEXT, patientName TEXT, patientBirthDate TEXT, patientSex TEXT,
            attributes BYTEA NOT NULL)
        """,
        """
        CREATE TABLE study (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            studyInstanceUID TEXT NOT NULL UNIQUE,
            patientRowID BIGINT NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
            studyDate TEXT, studyTime TEXT, accessionNumber TEXT, studyID TEXT, studyDescription TEXT,
            referringPhysicianName TEXT, institutionName TEXT, modalitiesInStudy TEXT, sopClassesInStudy TEXT,
            accessGroup TEXT,
            attributes BYTEA NOT NULL)
        """,
        """
        CREATE TABLE series (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            seriesInstanceUID TEXT NOT NULL UNIQUE,
            studyRowID BIGINT NOT NULL REFERENCES study (id) ON DELETE RESTRICT,
            modality TEXT, seriesNumber TEXT, seriesDescription TEXT,
            attributes BYTEA NOT NULL)
        """,
        """
        CREATE TABLE instance (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            sopInstanceUID TEXT NOT NULL UNIQUE,
            seriesRowID BIGINT NOT NULL REFERENCES series (id) ON DELETE RESTRICT,
            sopClassUID TEXT NOT NULL, instanceNumber TEXT, modality TEXT,
            transferSyntaxUID TEXT NOT NULL,
            blobPath TEXT NOT NULL UNIQUE,
            size BIGINT NOT NULL,
            sha256 TEXT,
            attributes BYTEA NOT NULL)
        """,
    ]

    /// The foreign keys (joins and the emptiness checks of deletes), then the keys `QueryPlan`
    /// narrows on. Text keys matched by equality or a prefix wild card ("DOE*" is `LIKE 'DOE%'`)
    /// take `text_pattern_ops`, which serves both whatever the database's collation; dates are
    /// compared as ranges and keep the default operator class.
    private static let indexes = [
        "CREATE INDEX study_patientRowID ON study (patientRowID)",
        "CREATE INDEX series_studyRowID ON series (studyRowID)",
        "CREATE INDEX instance_seriesRowID ON instance (seriesRowID)",
        "CREATE INDEX patient_patientID ON patient (patientID text_pattern_ops)",
        "CREATE INDEX patient_patientBirthDate ON patient (patientBirthDate)",
        "CREATE INDEX study_studyDate ON study (studyDate)",
        "CREATE INDEX study_accessionNumber ON study (accessionNumber text_pattern_ops)",
        "CREATE INDEX study_studyID ON study (studyID text_pattern_ops)",
        "CREATE INDEX study_accessGroup ON study (accessGroup) WHERE accessGroup IS NOT NULL",
        "CREATE INDEX series_modality ON series (modality)",
        "CREATE INDEX instance_sopClassUID ON instance (sopClassUID)",
    ]

    /// Trigram indexes serve wild cards inside a value ("*CHEST*" is `LIKE '%CHEST%'`), which no
    /// B-tree can. pg_trgm ships with PostgreSQL (contrib) and is a trusted extension, but a
    /// server may lack it or refuse it: the index then works without, and says so.
    private static func addTrigramIndexes(_ db: any IndexTransaction, logger: Logger) throws -> Bool {
        try db.execute("SAVEPOINT trigram")
        do {
            try db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
        } catch {
            try db.execute("ROLLBACK TO SAVEPOINT trigram")
            logger.notice("pg_trgm is not available: wild cards inside a value (*x*) scan the table", metadata: [
                "reason": "\(PostgresIndexDatabase.explain(error))",
                "fix": "install postgresql-contrib and let the index's user CREATE EXTENSION pg_trgm, then restart",
            ])
            return false
        }
        try db.execute("RELEASE SAVEPOINT trigram")
        for (table, column) in [("patient", "patientID"), ("patient", "patientName"), ("study", "studyDescription"),
                                ("study", "accessionNumber")] {
            try db.execute("CREATE INDEX \(table)_\(column)_trigram ON \(table) USING GIN (\(column) public.gin_trgm_ops)")
        }
        return true
    }
}
