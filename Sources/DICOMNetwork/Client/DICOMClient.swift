import DICOM
import NIOCore
import NIOPosix

/// A DICOM SCU: opens an association, runs the caller's work on it, releases it.
public struct DICOMClient: Sendable {
    public var host: String
    public var port: Int
    public var tls: DICOMTLSClientConfiguration?
    /// Bounds the wait for the A-ASSOCIATE-AC and for the peer to close afterwards.
    public var artimTimeout: TimeAmount
    public var connectTimeout: TimeAmount
    public var options: AssociationOptions
    public var maximumPDULength: Int

    public init(host: String, port: Int, tls: DICOMTLSClientConfiguration? = nil, artimTimeout: TimeAmount = .seconds(30),
                connectTimeout: TimeAmount = .seconds(10), options: AssociationOptions = AssociationOptions(),
                maximumPDULength: Int = PDUDecoder.defaultMaximumPDULength) {
        self.host = host
        self.port = port
        self.tls = tls
        self.artimTimeout = artimTimeout
        self.connectTimeout = connectTimeout
        self.options = options
        self.maximumPDULength = maximumPDULength
    }

    /// Opens an association with `proposal`, runs `body`, then releases. If `body` throws, the
    /// association is aborted and the error rethrown.
    public func withAssociation<T: Sendable>(_ proposal: AssociationProposal, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                                             _ body: @escaping @Sendable (Association) async throws -> T) async throws -> T {
        let request = try proposal.request()
        let tlsContext = try tls?.makeContext()
        let isIPLiteral = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        let (host, artim, maximumPDULength, options) = (self.host, artimTimeout, self.maximumPDULength, self.options)
        let (channel, rawChannel) = try await ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    (try AssociationChannel.configure(channel, side: .requestor, tls: tlsContext,
                                                      serverHostname: isIPLiteral ? nil : host,
                                                      artimTimeout: artim, maximumPDULength: maximumPDULength), channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var events = inbound.makeAsyncIterator()
            try await outbound.write(.request(request))
            let negotiated: NegotiatedAssociation
            switch try await events.next() {
            case let .established(terms)?:
                negotiated = terms
            case let .rejected(rj)?:
                throw AssociationError.rejected(rj)
            case let .aborted(why)?:
                throw AssociationError.closed(why.description)
            case nil:
                throw AssociationError.closed("the peer closed the connection without answering the association request")
            case let other?:
                throw AssociationError.protocolViolation("expected an A-ASSOCIATE-AC, got \(other)")
            }
            let peer = await AssociationChannel.peer(of: rawChannel)
            let association = Association(negotiated: negotiated, peer: peer, outbound: outbound, options: options)
            return try await withThrowingTaskGroup(of: T.self) { group in
                group.addTask {
                    do {
                        let result = try await body(association)
                        try await association.release()
                        return result
                    } catch {
                        await association.abort()
                        throw error
                    }
                }
                await association.route(&events)
                return try await group.next()!
            }
        }
    }
}
