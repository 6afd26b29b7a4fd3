import Access
import Archive
import ArgumentParser
import DICOM
import Foundation
import RampartServer
import Synchronization

struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Work on the archive's index directly (benchmarks).",
        subcommands: [BulkLoad.self])

    struct BulkLoad: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bulk-load",
            abstract: "Fill an empty archive's index with synthetic instances, without their objects: for query benchmarks only.",
            discussion: """
                Each made-up instance is filed as a C-STORE files it (entity rows, merged records, the \
                columns queries use) in the index rampart.yaml names (embedded SQLite, or archive.index \
                on PostgreSQL), --batch instances per transaction, but no object is written: queries \
                answer, retrieves of these instances fail, and rampart serve reports them as instances \
                without a blob. The data follow the benchmark generator's distribution \
                (Tests/interop/netdata.py make_collection) and depend only on --count and --seed. \
                Prints one JSON line: the counts, the Patient IDs' pattern and the seconds taken.
                """)

        @OptionGroup var data: DataDirectoryOption

        @Option(help: "How many instances to file.")
        var count: Int

        @Option(help: "The generator's seed.")
        var seed: UInt64 = 20_240_611

        @Option(help: "Instances per index transaction (whole patients: a batch may hold a few more).")
        var batch = 5000

        @Option(help: "Transactions at once: PostgreSQL's round trips overlap; SQLite runs one at a time anyway.")
        var jobs = 4

        func validate() throws {
            guard count >= 1 else { throw ValidationError("--count must be at least 1") }
            guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        }

        func run() async throws {
            let clock = ContinuousClock()
            let start = clock.now
            let archive: Archive, grant: Grant
            do {
                try DataFolder.ensure(data.dataDirectory)
                let configuration = try data.configurationFile().load()
                archive = try Archive(directory: data.dataDirectory + "/archive",
                                      index: configuration.archive.indexLocation(dataDirectory: data.dataDirectory))
                let counts = try archive.counts(grant: try await localOperatorGrant(.administer, dataDirectory: data.dataDirectory))
                guard counts.instances == 0 else {
                    standardError("rampart: the archive in \(data.dataDirectory) holds \(counts.instances) instances: bulk-load fills an empty archive only (a new --data-dir, or a new PostgreSQL schema)")
                    throw ExitCode(2)
                }
                grant = try await localOperatorGrant(.store, dataDirectory: data.dataDirectory)
            } catch let exit as ExitCode {
                throw exit
            } catch {
                standardError("rampart: \(oneLine(error))")
                throw ExitCode(2)
            }

            let collection = SyntheticCollection(instances: count, seed: seed)
            let run = BulkLoadRun(total: count)
            do {
                try await Self.file(collection.batches(of: batch), of: collection, into: archive, grant: grant, jobs: jobs, run: run)
            } catch {
                standardError("rampart: bulk-load stopped after \(run.filed) instances: \(oneLine(error))")
                throw ExitCode(1)
            }
            let filed = run.filed
            let seconds = (clock.now - start) / .seconds(1)
            let summary: [String: any Sendable] = [
                "instances": filed, "series": collection.series.count, "patients": Set(collection.series.map { collection.studies[$0.study].patient }).count,
                "studies": Set(collection.series.map(\.study)).count, "patient_id_format": "RMP\(SyntheticCollection.digits(Int(seed % 1000), 3))-C%03d",
                "seconds": (seconds * 10).rounded() / 10, "instances_per_s": (Double(filed) / seconds).rounded(),
            ]
            let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
            print(String(decoding: json, as: UTF8.self))
        }

        /// Files `batches` on `jobs` threads of their own: `indexWithoutObjects` blocks on the
        /// index (a PostgreSQL round trip per statement), which must not hold the few threads
        /// of Swift's cooperative pool. The first failure stops the others at their next batch.
        static func file(_ batches: [[SyntheticCollection.Series]], of collection: SyntheticCollection, into archive: Archive,
                         grant: Grant, jobs: Int, run: BulkLoadRun) async throws {
            let group = DispatchGroup()
            for job in 0..<min(jobs, batches.count) {
                DispatchQueue(label: "rampart.bulk-load.\(job)").async(group: group) {
                    while let n = run.nextBatch(of: batches.count) {
                        let dataSets = batches[n].flatMap(collection.dataSets)
                        do {
                            try archive.indexWithoutObjects(dataSets, grant: grant)
                            run.filed(dataSets.count)
                        } catch {
                            run.fail(error)
                        }
                    }
                }
            }
            await withCheckedContinuation { done in group.notify(queue: .global()) { done.resume() } }
            if let error = run.failure { throw error }
        }
    }
}

/// The loader's threads' shared state: the next batch to take, the instances filed so far (a
/// line on standard error every 50,000), and the first failure, after which no batch is taken.
final class BulkLoadRun: Sendable {
    private struct State {
        var next = 0
        var filed = 0
        var failure: (any Error)?
    }

    private let state = Mutex(State())
    let total: Int

    init(total: Int) { self.total = total }

    var filed: Int { state.withLock { $0.filed } }
    var failure: (any Error)? { state.withLock { $0.failure } }

    func nextBatch(of count: Int) -> Int? {
        state.withLock { state in
            guard state.failure == nil, state.next < count else { return nil }
            defer { state.next += 1 }
            return state.next
        }
    }

    func filed(_ instances: Int) {
        let (before, after) = state.withLock { state in
            defer { state.filed += instances }
            return (state.filed, state.filed + instances)
        }
        if before / 50_000 != after / 50_000 || after == total {
            standardError("rampart: bulk-load: \(after) of \(total) instances filed")
        }
    }

    func fail(_ error: any Error) {
        state.withLock { $0.failure = $0.failure ?? error }
    }
}
