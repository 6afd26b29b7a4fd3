import Dispatch

/// Where the archive waits for the disk (copies, renames, fsyncs): threads of its own, never
/// the cooperative pool's. Swift's tasks share one thread per core; two stores blocked in fsync
/// on a two-core server would stall every association, query and HTTP request until the disk
/// answered, and the syncs of concurrent stores would go to the disk one after another instead
/// of together.
enum DiskThreads {
    /// Runs blocking `body` on a thread of Dispatch's global pool (which grows past the cores
    /// while its threads block) and returns its result to the waiting task.
    static func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, E>, Never>) in
            DispatchQueue.global().async { continuation.resume(returning: Result { () throws(E) in try body() }) }
        }
        return try result.get()
    }

    /// The archive actor's executor: filing (renames, the folder's fsync, the index commit) runs
    /// one batch at a time on this queue's thread. Not a NIO event loop: the PostgreSQL index
    /// waits on futures, which NIO forbids on its loops.
    static let filing = SerialQueueExecutor(label: "rampart.archive.filing")
}

/// A serial executor on a Dispatch queue: an actor whose work blocks runs there, off the
/// cooperative pool.
final class SerialQueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }
}
