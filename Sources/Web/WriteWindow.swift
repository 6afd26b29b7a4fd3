import NIOCore

/// Bounds how many written chunks of a streamed response body can wait on the connection's event
/// loop, so that a file is sent at the pace of the connection and never gathered in memory.
///
/// Hummingbird's body writer hands each buffer to NIOAsyncChannel's outbound writer, which
/// suspends only while the channel is unwritable; otherwise it queues the write on the event
/// loop (`execute`) and returns at once. The channel turns unwritable only when the event loop
/// has run those writes, so a sender that reads faster than the event loop frames, encrypts and
/// sends (TLS, a busy machine) fills the event loop's task queue with the file: a 256 MiB
/// WADO-RS peaked at 230-400 MiB of RSS over HTTPS (test_dicomweb_backpressure.py).
///
/// After each write `wrote()` queues a no-op behind it on the same event loop, and once more
/// than `depth` are outstanding waits for the oldest: tasks run in order, so every write before
/// it has then reached the channel, whose writability, which the writer waits for, is current.
struct WriteWindow {
    /// Writes that may be queued at once: enough for the next chunk to be read while the event
    /// loop sends the ones before it.
    static let depth = 4

    private let eventLoop: any EventLoop
    private var queued = CircularBuffer<EventLoopFuture<Void>>(initialCapacity: WriteWindow.depth + 1)

    /// A window on the event loop of the connection the body goes to (the request context's channel).
    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Call after each write of the body: returns once no more than `depth` writes are queued.
    mutating func wrote() async throws {
        queued.append(eventLoop.submit {})
        if queued.count > Self.depth {
            try await queued.removeFirst().get()
        }
    }
}
