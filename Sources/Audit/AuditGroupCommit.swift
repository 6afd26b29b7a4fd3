import Dispatch
import Synchronization

/// Group commit for the audit log: appends from concurrent tasks share transactions, and so the
/// disk sync each commit makes. An append that finds the writer idle is written at once, alone
/// (no added latency); those that arrive while a transaction commits go together in the next.
///
/// The commit blocks only the writer's own thread, never a task's: a server on two cores has
/// two threads for its tasks, and two associations each waiting for an fsync would stall every
/// other one.
public final class AuditGroupCommit: Sendable {
    private let store: AuditStore
    /// At most this many events in one transaction, so that one commit stays short.
    static let batchLimit = 256

    private struct Waiting: Sendable {
        let event: AuditEvent
        let continuation: CheckedContinuation<Result<UInt64, AuditError>, Never>
    }

    private struct State: Sendable {
        var waiting: [Waiting] = []
        var writing = false
    }

    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "rampart.audit.group-commit")

    public init(_ store: AuditStore) {
        self.store = store
    }

    /// Appends the event and returns its sequence number once the record is durable.
    public func append(_ event: AuditEvent) async throws(AuditError) -> UInt64 {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<UInt64, AuditError>, Never>) in
            let startWriter = state.withLock { state in
                state.waiting.append(Waiting(event: event, continuation: continuation))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if startWriter { queue.async { self.writeUntilNoneWait() } }
        }
        return try result.get()
    }

    /// Runs on `queue` while appends wait; the last one out clears `writing` under the lock, so
    /// an append either joins a batch still to come or starts the writer again.
    private func writeUntilNoneWait() {
        while true {
            let batch = state.withLock { state in
                let batch = Array(state.waiting.prefix(Self.batchLimit))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.writing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            for (waiting, result) in zip(batch, write(batch.map(\.event))) {
                waiting.continuation.resume(returning: result)
            }
        }
    }

    /// One transaction for the batch; if it fails, each event alone, so that one event that
    /// cannot be written (it cannot be encoded) does not fail the others with it.
    private func write(_ events: [AuditEvent]) -> [Result<UInt64, AuditError>] {
        do {
            return try store.append(events).map { .success($0) }
        } catch {
            guard events.count > 1 else { return [.failure(error)] }
            return events.map { event in Result { () throws(AuditError) in try store.append(event) } }
        }
    }
}
