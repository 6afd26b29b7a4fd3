import Foundation
import GRDB
import Testing
@testable import Audit

/// The log as Rampart writes it, and as an attacker holding the file (but not the signing key)
/// would change it: `verify` must name the first record that is wrong.
@Suite struct AuditStoreTests {
    private static func event(_ number: Int, patient: String = "PAT-1", actor: String = "alice", ip: [UInt8] = [10, 0, 0, 7],
                              outcome: AuditOutcome = .success, at time: Date = Date(timeIntervalSince1970: 1_800_000_000)) -> AuditEvent {
        AuditEvent(time: time.addingTimeInterval(Double(number)), kind: .query, outcome: outcome,
                   actor: AuditActor(kind: "user", name: actor, roles: ["radiologist"]), channel: "dimse",
                   source: AuditSource(address: "\(ip.map(String.init).joined(separator: ".")):4000", ip: ip, callingAETitle: "VIEWER"),
                   action: "query", subjects: [AuditSubject(.patient, patient), AuditSubject(.study, "1.2.3.\(number)")],
                   reason: "event \(number)")
    }

    private struct Folder {
        let path: String
        let key = AuditSigningKey()
        init() throws {
            path = NSTemporaryDirectory() + "audit-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        var file: String { path + "/audit.sqlite" }
        func store(interval: UInt64 = 4) throws -> AuditStore { try AuditStore(path: file, signingKey: key, checkpointInterval: interval) }
        /// The file as an attacker opens it: with sqlite, and the append-only triggers dropped.
        func tamper(_ sql: String) throws {
            let queue = try DatabaseQueue(path: file)
            try queue.write { db in
                for trigger in ["event_append_only_update", "event_append_only_delete", "subject_append_only_update",
                                "subject_append_only_delete", "checkpoint_append_only_update", "checkpoint_append_only_delete"] {
                    try db.execute(sql: "DROP TRIGGER IF EXISTS \(trigger)")
                }
                try db.execute(sql: sql)
            }
        }
        func verify() throws -> AuditVerification { try store().verify(with: key.publicKey) }
    }

    private func written(_ count: Int = 10) throws -> Folder {
        let folder = try Folder()
        let store = try folder.store()
        for number in 1...count { try store.append(Self.event(number, patient: number.isMultiple(of: 2) ? "PAT-2" : "PAT-1")) }
        try store.checkpoint()
        return folder
    }

    @Test func anUntouchedLogVerifiesAndIsSignedToItsEnd() throws {
        let folder = try written()
        let result = try folder.verify()
        #expect(result.intact)
        #expect(result.records == 10)
        #expect(result.signedThrough == 10)
        #expect(result.checkpoints == 3) // after 4, 8 and the final one
    }

    @Test func eventsReadBackAsWritten() throws {
        let folder = try Folder()
        let store = try folder.store()
        let event = Self.event(1)
        let sequence = try store.append(event)
        #expect(sequence == 1)
        let read = try store.events(after: 0, limit: 10)
        #expect(read == [RecordedAuditEvent(sequence: 1, event: event)])
    }

    @Test func theLogIsAppendOnlyThroughSQL() throws {
        let folder = try written(2)
        let queue = try DatabaseQueue(path: folder.file)
        #expect(throws: (any Error).self) { try queue.write { try $0.execute(sql: "DELETE FROM event WHERE seq = 1") } }
        #expect(throws: (any Error).self) { try queue.write { try $0.execute(sql: "UPDATE event SET actor = 'x'") } }
    }

    @Test func anEditedRecordIsNamed() throws {
        let folder = try written()
        try folder.tamper("UPDATE event SET record = replace(record, 'alice', 'mallory') WHERE seq = 6")
        #expect(try folder.verify().firstProblem == .brokenChain(sequence: 6))
    }

    @Test func anEditedIndexColumnIsNamed() throws {
        let folder = try written()
        try folder.tamper("UPDATE event SET actor = 'someone-else' WHERE seq = 3")
        #expect(try folder.verify().firstProblem == .indexMismatch(sequence: 3, column: "actor"))
    }

    @Test func aSubjectRemovedFromTheIndexIsNamed() throws {
        let folder = try written()
        try folder.tamper("DELETE FROM subject WHERE seq = 5 AND kind = 'patient'")
        #expect(try folder.verify().firstProblem == .indexMismatch(sequence: 5, column: "patients and studies"))
    }

    @Test func aRemovedRecordIsNamed() throws {
        let folder = try written()
        try folder.tamper("DELETE FROM event WHERE seq = 4")
        #expect(try folder.verify().firstProblem == .missing(expected: 4, found: 5))
    }

    @Test func recordsCutFromTheEndAreNamed() throws {
        let folder = try written()
        try folder.tamper("DELETE FROM event WHERE seq > 7")
        #expect(try folder.verify().firstProblem == .missing(expected: 8, found: nil))
    }

    @Test func swappedRecordsAreNamed() throws {
        let folder = try written()
        try folder.tamper("""
            UPDATE event SET seq = -1 WHERE seq = 3;
            UPDATE event SET seq = 3 WHERE seq = 4;
            UPDATE event SET seq = 4 WHERE seq = -1;
            """)
        #expect(try folder.verify().firstProblem == .brokenChain(sequence: 3))
    }

    @Test func aRewrittenChainFailsItsSignedCheckpoint() throws {
        let folder = try written()
        // The attacker edits record 2 and recomputes every hash after it, but cannot sign.
        let store = try folder.store()
        var events = try store.events(after: 0, limit: 100).map(\.event)
        events[1].actor.name = "mallory"
        let forged = try Folder()
        let forgedStore = try AuditStore(path: forged.file, signingKey: forged.key, checkpointInterval: 1000)
        _ = try forgedStore.append(events)
        try folder.tamper("""
            ATTACH DATABASE '\(forged.file)' AS forged;
            DELETE FROM event; DELETE FROM subject;
            INSERT INTO event SELECT * FROM forged.event;
            INSERT INTO subject SELECT * FROM forged.subject;
            """)
        #expect(try folder.verify().firstProblem == .checkpointMismatch(checkpoint: 4))
    }

    @Test func aForgedCheckpointSignatureIsNamed() throws {
        let folder = try written()
        try folder.tamper("UPDATE checkpoint SET signature = zeroblob(64) WHERE seq = 8")
        #expect(try folder.verify().firstProblem == .badSignature(checkpoint: 8))
    }

    @Test func anotherSitesKeyDoesNotVerify() throws {
        let folder = try written()
        let result = try folder.store().verify(with: AuditSigningKey().publicKey)
        #expect(result.firstProblem == .badSignature(checkpoint: 4))
    }

    @Test func queriesSelectByPatientActorTimeSourceAndOutcome() throws {
        let folder = try Folder()
        let store = try folder.store()
        try store.append(Self.event(1, patient: "PAT-A", actor: "alice", ip: [10, 0, 0, 7]))
        try store.append(Self.event(2, patient: "PAT-B", actor: "bob", ip: [192, 168, 1, 9], outcome: .minorFailure))
        try store.append(Self.event(3, patient: "PAT-A", actor: "bob", ip: [10, 0, 1, 2]))
        func sequences(_ query: AuditQuery) throws -> [UInt64] { try store.events(matching: query).map(\.sequence) }
        #expect(try sequences(AuditQuery(patientID: "PAT-A")) == [1, 3])
        #expect(try sequences(AuditQuery(studyUID: "1.2.3.2")) == [2])
        #expect(try sequences(AuditQuery(actor: "bob")) == [2, 3])
        #expect(try sequences(AuditQuery(outcome: .minorFailure)) == [2])
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try sequences(AuditQuery(from: base.addingTimeInterval(2), to: base.addingTimeInterval(3))) == [2])
        #expect(try sequences(AuditQuery(sourceRange: AuditAddressRange(lower: [10, 0, 0, 0], upper: [10, 0, 255, 255]))) == [1, 3])
        #expect(try sequences(AuditQuery(patientID: "PAT-A", actor: "bob")) == [3])
        #expect(try sequences(AuditQuery(limit: 2)) == [2, 3])
    }

    @Test func aStoreOpenedWithoutTheKeyCannotWrite() throws {
        let folder = try written(1)
        let reader = try AuditStore(path: folder.file, signingKey: nil)
        #expect(throws: AuditError.self) { try reader.append(Self.event(2)) }
        #expect(try reader.verify(with: folder.key.publicKey).intact)
    }
    /// A server and `rampart backup` append to one file from two processes: each waits for the
    /// other's commit (and its fsync) instead of failing with "database is locked".
    @Test func twoWritersOnOneFileTakeTurnsAndKeepOneChain() async throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        let first = try folder.store(), second = try folder.store()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (offset, store) in [(0, first), (1000, second)] {
                group.addTask {
                    for number in 1...60 { try store.append(Self.event(offset + number)) }
                }
            }
            try await group.waitForAll()
        }
        let result = try folder.verify()
        #expect(result.intact)
        #expect(result.records == 120)
    }

    /// Many tasks appending at once through the group commit: each gets its own record number,
    /// in one unbroken chain, and the batches stay within the limit.
    @Test func concurrentAppendsShareCommitsAndEachGetsItsRecord() async throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        let writer = AuditGroupCommit(try folder.store())
        let sequences = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for number in 1...300 { group.addTask { try await writer.append(Self.event(number)) } }
            return try await group.reduce(into: [UInt64]()) { $0.append($1) }
        }
        #expect(sequences.sorted() == Array(1...300))
        let result = try folder.verify()
        #expect(result.intact)
        #expect(result.records == 300)
    }

    @Test func everyAppendIsSyncedToDiskBeforeItReturns() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        let store = try folder.store()
        // 2 is FULL: the WAL is synced at every commit (GRDB's pool alone leaves NORMAL, 1).
        #expect(try store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
    }
}

@Suite struct AuditTimeTests {
    @Test func timesKeepTheirMicroseconds() throws {
        let time = Date(timeIntervalSince1970: 1_795_000_000.123456)
        let text = AuditTime.text(time)
        #expect(text == "2026-11-18T11:06:40.123456Z")
        let read = try #require(AuditTime.date(text))
        #expect(AuditRecord.microseconds(read) == AuditRecord.microseconds(time))
    }

    @Test func theCommandLinesFormsAreRead() {
        #expect(AuditTime.date("2026-11-24") == Date(timeIntervalSince1970: 1_795_478_400))
        #expect(AuditTime.date("2026-11-24T01:00:00Z") == Date(timeIntervalSince1970: 1_795_482_000))
        #expect(AuditTime.date("2026-11-24T01:00:00.5Z") == Date(timeIntervalSince1970: 1_795_482_000.5))
        #expect(AuditTime.date("yesterday") == nil)
        #expect(AuditTime.date("2026-11-24T01:00:00.x5Z") == nil)
    }
}
