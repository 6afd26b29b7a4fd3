#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DICOM
import NIOCore
import Synchronization

/// An established association as the DIMSE service user sees it: send requests and await their
/// responses, take incoming requests, release or abort.
///
/// One task reads the association (`route`) and hands each complete message to whoever waits
/// for it: a response to the request it answers, a C-CANCEL to the operation it cancels, any
/// other request to `incoming`. Sends are serialized so messages never interleave.
public final class Association: Sendable {
    public enum Incoming: Sendable {
        case request(DIMSEMessage)
        /// The peer asks to release; answer with `acceptRelease()` once current work is done.
        case releaseRequested
    }

    public let negotiated: NegotiatedAssociation
    public let peer: AssociationPeer
    /// Requests from the peer, in order. Finishes when the association ends.
    public let incoming: AsyncStream<Incoming>

    private let outbound: NIOAsyncChannelOutboundWriter<AssociationCommand>
    private let sendGate = SerialGate()
    private let routing: Mutex<Routing>
    private let incomingContinuation: AsyncStream<Incoming>.Continuation
    public let options: AssociationOptions
    /// Told of every command sent (the server counts its final responses).
    private let responded: @Sendable (DIMSECommand) -> Void

    private struct Routing {
        var responseWaiters: [UInt16: AsyncThrowingStream<DIMSEMessage, any Error>.Continuation] = [:]
        /// Responses routed so far per outstanding request, for the response timeout.
        var responseCounts: [UInt16: Int] = [:]
        var cancelled: Set<UInt16> = []
        var lastMessageID: UInt16 = 0
        var end: AssociationError?
        var releaseWaiter: CheckedContinuation<Void, any Error>?
        var released = false
        /// The peer sent an A-RELEASE-RQ: it sends no more P-DATA (PS3.8 9.2, Sta7), so no
        /// request of ours can be answered any more.
        var peerRequestedRelease = false
    }

    init(negotiated: NegotiatedAssociation, peer: AssociationPeer, outbound: NIOAsyncChannelOutboundWriter<AssociationCommand>, options: AssociationOptions,
         responded: @escaping @Sendable (DIMSECommand) -> Void = { _ in }) {
        self.responded = responded
        self.negotiated = negotiated
        self.peer = peer
        self.outbound = outbound
        self.options = options
        self.routing = Mutex(Routing())
        (incoming, incomingContinuation) = AsyncStream.makeStream(of: Incoming.self)
    }

    /// True once the peer has asked to release: nothing sent now would be answered.
    public var peerRequestedRelease: Bool {
        routing.withLock { $0.peerRequestedRelease }
    }

    /// Why the association ended abnormally; nil while it lasts and after a normal release.
    public var abnormalEnd: AssociationError? {
        routing.withLock { $0.released ? nil : $0.end }
    }

    // MARK: Sending

    /// A message ID not used before on this association (PS3.7 9.3.1.1: unique among outstanding ones).
    public func nextMessageID() -> UInt16 {
        routing.withLock { routing in
            routing.lastMessageID = routing.lastMessageID == .max ? 1 : routing.lastMessageID + 1
            return routing.lastMessageID
        }
    }

    /// Sends a command and its data set, if any, on a presentation context.
    public func send(_ command: DIMSECommand, contextID: UInt8, dataSet: OutgoingDataSet? = nil) async throws {
        try await sendGate.withTurn {
            try await outbound.write(.command(command, presentationContextID: contextID))
            responded(command)
            switch dataSet {
            case nil:
                break
            case let .bytes(bytes):
                try await outbound.write(.dataSetFragment(bytes, presentationContextID: contextID, isLast: true))
            case let .file(path, offset, length):
                try await sendFile(path: path, offset: offset, length: length, contextID: contextID)
            }
        }
    }

    /// Sends a request and returns its responses as they come; the stream ends after the final
    /// (non-pending) response, or throws when the association ends first or the peer asks to
    /// release before answering. `responseTimeout` replaces the association's for this request.
    public func request(_ command: DIMSECommand, contextID: UInt8, dataSet: OutgoingDataSet? = nil,
                        responseTimeout: Duration? = nil) async throws -> AsyncThrowingStream<DIMSEMessage, any Error> {
        guard let messageID = command.messageID else {
            throw AssociationError.protocolViolation("a request without a message ID")
        }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: DIMSEMessage.self)
        let ended = routing.withLock { routing -> AssociationError? in
            if let end = routing.end { return end }
            if routing.peerRequestedRelease { return .notEstablished("a request after the peer asked to release") }
            routing.responseWaiters[messageID] = continuation
            return nil
        }
        if let ended { throw ended }
        do {
            try await send(command, contextID: contextID, dataSet: dataSet)
        } catch {
            _ = routing.withLock { $0.responseWaiters.removeValue(forKey: messageID) }
            throw error
        }
        if let timeout = responseTimeout ?? options.responseTimeout {
            // Started once the request is sent, so a long data set does not count against it.
            Task { await self.watchResponses(to: messageID, timeout: timeout) }
        }
        return stream
    }

    /// Fails a request whose peer stays silent for a whole `timeout` (no response, pending or
    /// final), and aborts the association: its state is unknown after that.
    private func watchResponses(to messageID: UInt16, timeout: Duration) async {
        var seen = 0
        while true {
            try? await Task.sleep(for: timeout)
            let count = routing.withLock { routing -> Int? in
                routing.responseWaiters[messageID] == nil ? nil : routing.responseCounts[messageID, default: 0]
            }
            guard let count else { return }
            if count == seen {
                let waiter = routing.withLock { routing in
                    routing.responseCounts.removeValue(forKey: messageID)
                    return routing.responseWaiters.removeValue(forKey: messageID)
                }
                waiter?.finish(throwing: AssociationError.timedOut("waiting \(timeout) for a response to message \(messageID)"))
                await abort()
                return
            }
            seen = count
        }
    }

    /// Sends a request that has exactly one response, and returns it.
    public func requestSingle(_ command: DIMSECommand, contextID: UInt8, dataSet: OutgoingDataSet? = nil,
                              responseTimeout: Duration? = nil) async throws -> DIMSEMessage {
        for try await response in try await request(command, contextID: contextID, dataSet: dataSet, responseTimeout: responseTimeout) {
            return response
        }
        throw AssociationError.closed("no response to message \(command.messageID ?? 0)")
    }

    /// True once the peer has sent a C-CANCEL for this message ID (PS3.7 9.3.2.3).
    public func isCancelled(_ messageID: UInt16) -> Bool {
        routing.withLock { $0.cancelled.contains(messageID) }
    }

    /// Asks the peer to release and waits until it agrees (PS3.8 A-RELEASE).
    public func release() async throws {
        try await sendGate.withTurn { try await outbound.write(.release) }
        // If the A-RELEASE-RP is already routed, `released` is set and this resumes at once.
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome = routing.withLock { routing -> Result<Void, AssociationError>? in
                if routing.released { return .success(()) }
                if let end = routing.end { return .failure(end) }
                routing.releaseWaiter = continuation
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    /// Agrees to the peer's release request.
    public func acceptRelease() async throws {
        try await sendGate.withTurn { try await outbound.write(.releaseResponse) }
    }

    /// Aborts the association (A-ABORT). Outstanding requests fail.
    public func abort() async {
        try? await outbound.write(.abort)
    }

    private func sendFile(path: String, offset: Int, length: Int, contextID: UInt8) async throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw AssociationError.closed("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var position = offset
        let end = offset + length
        if length == 0 {
            try await outbound.write(.dataSetFragment(ByteBuffer(), presentationContextID: contextID, isLast: true))
            return
        }
        while position < end {
            let count = min(options.fileChunkSize, end - position)
            var chunk = ByteBuffer()
            chunk.reserveCapacity(count)
            let read = chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
                var done = 0
                while done < count {
                    let n = pread(fd, raw.baseAddress! + done, count - done, off_t(position + done))
                    if n <= 0 { break }
                    done += n
                }
                return done
            }
            guard read == count else {
                throw AssociationError.closed("\(path) is shorter than its data set: read failed at byte \(position + read)")
            }
            position += count
            try await outbound.write(.dataSetFragment(chunk, presentationContextID: contextID, isLast: position == end))
        }
    }

    // MARK: Receiving

    /// Reads the association until it ends, routing each message. Run this in the task that owns
    /// the channel's inbound stream, alongside the work that uses the association.
    func route<Events: AsyncIteratorProtocol>(_ events: inout Events) async where Events.Element == AssociationEvent {
        var pending: (command: DIMSECommand, context: AcceptedPresentationContext)?
        var receiver: DataSetReceiver?
        var end = AssociationError.closed("the connection closed before the association was released")
        do {
            reading: while let event = try await events.next() {
                switch event {
                case let .command(command, contextID):
                    guard receiver == nil else {
                        end = .protocolViolation("a command arrived before the previous data set ended")
                        await abort()
                        break reading
                    }
                    guard let context = negotiated.acceptedContexts[contextID] else {
                        end = .protocolViolation("the peer used presentation context \(contextID), which was not accepted")
                        await abort()
                        break reading
                    }
                    if command.hasDataSet {
                        pending = (command, context)
                        receiver = try DataSetReceiver(for: command, context: context, callingAE: negotiated.callingAETitle, options: options)
                    } else {
                        dispatch(DIMSEMessage(command: command, context: context, dataSet: nil))
                    }
                case let .dataSetFragment(bytes, isLast):
                    guard var current = receiver, let message = pending else {
                        end = .protocolViolation("a data set arrived without a command announcing it")
                        await abort()
                        break reading
                    }
                    do {
                        try current.append(bytes)
                    } catch {
                        current.discard()
                        receiver = nil
                        end = .protocolViolation("\(error)")
                        await abort()
                        break reading
                    }
                    if isLast {
                        receiver = nil
                        pending = nil
                        let dataSet = try current.finish()
                        dispatch(DIMSEMessage(command: message.command, context: message.context, dataSet: dataSet))
                    } else {
                        receiver = current
                    }
                case .releaseRequested:
                    let waiters = routing.withLock { routing in
                        routing.peerRequestedRelease = true
                        routing.responseCounts = [:]
                        let waiters = routing.responseWaiters
                        routing.responseWaiters = [:]
                        return waiters
                    }
                    for waiter in waiters.values {
                        waiter.finish(throwing: AssociationError.closed("the peer asked to release the association instead of answering"))
                    }
                    incomingContinuation.yield(.releaseRequested)
                case .released:
                    end = .closed("released")
                    routing.withLock { $0.released = true }
                    break reading
                case .aborted(.protocolViolation(let detail)):
                    end = .protocolViolation(detail)
                case let .aborted(why):
                    end = .closed(why.description)
                    break reading
                case .associationRequested, .established, .rejected:
                    end = .protocolViolation("an association event after the association was established")
                    await abort()
                    break reading
                }
            }
        } catch {
            end = .closed("\(error)")
        }
        receiver?.discard()
        finish(with: end)
    }

    private func dispatch(_ message: DIMSEMessage) {
        let command = message.command
        guard let field = command.commandField else {
            incomingContinuation.yield(.request(message))
            return
        }
        if field == .cCancelRQ {
            if let id = command.messageIDBeingRespondedTo {
                _ = routing.withLock { $0.cancelled.insert(id) }
            }
            return
        }
        if field.isResponse {
            guard let id = command.messageIDBeingRespondedTo else { return }
            let isFinal = command.status?.category != .pending
            let waiter = routing.withLock { routing in
                if isFinal {
                    routing.responseCounts.removeValue(forKey: id)
                    return routing.responseWaiters.removeValue(forKey: id)
                }
                routing.responseCounts[id, default: 0] += 1
                return routing.responseWaiters[id]
            }
            waiter?.yield(message)
            if isFinal { waiter?.finish() }
            return
        }
        incomingContinuation.yield(.request(message))
    }

    private func finish(with end: AssociationError) {
        let (waiters, releaseWaiter, released) = routing.withLock { routing in
            routing.end = end
            let waiters = routing.responseWaiters
            routing.responseWaiters = [:]
            let releaseWaiter = routing.releaseWaiter
            routing.releaseWaiter = nil
            return (waiters, releaseWaiter, routing.released)
        }
        for waiter in waiters.values { waiter.finish(throwing: end) }
        if released { releaseWaiter?.resume() } else { releaseWaiter?.resume(throwing: end) }
        incomingContinuation.finish()
    }
}

/// Limits and places for one association's traffic.
public struct AssociationOptions: Sendable {
    /// Where C-STORE data sets are spooled as Part 10 files; nil keeps them in memory.
    public var spoolDirectory: String?
    /// The largest data set kept in memory (identifiers, and C-STORE without a spool directory).
    public var maximumInMemoryDataSet: Int
    /// Bytes read from a file per write when sending a data set.
    public var fileChunkSize: Int
    /// How long a sent request may go without any response before it fails and the association
    /// is aborted; nil waits as long as the association lives.
    public var responseTimeout: Duration?

    public init(spoolDirectory: String? = nil, maximumInMemoryDataSet: Int = 64 * 1024 * 1024, fileChunkSize: Int = 256 * 1024,
                responseTimeout: Duration? = nil) {
        self.spoolDirectory = spoolDirectory
        self.maximumInMemoryDataSet = maximumInMemoryDataSet
        self.fileChunkSize = fileChunkSize
        self.responseTimeout = responseTimeout
    }
}

/// Collects one data set: a C-STORE's into a spool file, anything else in memory, bounded.
struct DataSetReceiver {
    private enum Target {
        case memory(ByteBuffer)
        case spool(SpoolWriter)
    }
    private var target: Target
    private let syntax: TransferSyntax
    private let limit: Int

    init(for command: DIMSECommand, context: AcceptedPresentationContext, callingAE: AETitle, options: AssociationOptions) throws {
        syntax = TransferSyntax(uid: context.transferSyntax)
        limit = options.maximumInMemoryDataSet
        if command.commandField == .cStoreRQ, let directory = options.spoolDirectory {
            target = .spool(try SpoolWriter(
                directory: directory,
                sopClassUID: command.affectedSOPClassUID ?? context.abstractSyntax,
                sopInstanceUID: command.affectedSOPInstanceUID ?? "",
                transferSyntax: syntax, sourceAE: callingAE))
        } else {
            target = .memory(ByteBuffer())
        }
    }

    mutating func append(_ fragment: ByteBuffer) throws {
        switch target {
        case var .memory(buffer):
            guard buffer.readableBytes + fragment.readableBytes <= limit else {
                throw AssociationError.protocolViolation("a data set larger than the \(limit) bytes this side keeps in memory")
            }
            var fragment = fragment
            buffer.writeBuffer(&fragment)
            target = .memory(buffer)
        case var .spool(writer):
            try writer.append(fragment)
            target = .spool(writer)
        }
    }

    func finish() throws -> ReceivedDataSet {
        switch target {
        case let .memory(buffer): .memory(buffer, transferSyntax: syntax)
        case let .spool(writer): .file(try writer.finish())
        }
    }

    func discard() {
        if case let .spool(writer) = target { writer.discard() }
    }
}
