import NIOCore
import NIOSSL

/// The channel pipeline of one association: optional TLS, the PDU codec, the association handler.
enum AssociationChannel {
    typealias Async = NIOAsyncChannel<AssociationEvent, AssociationCommand>

    static func configure(_ channel: Channel, side: AssociationHandler.Side, tls: NIOSSLContext?, serverHostname: String?,
                          artimTimeout: TimeAmount, maximumPDULength: Int) throws -> Async {
        let operations = channel.pipeline.syncOperations
        if let tls {
            switch side {
            case .acceptor: try operations.addHandler(NIOSSLServerHandler(context: tls))
            case .requestor: try operations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
            }
        }
        try operations.addHandler(ByteToMessageHandler(PDUFrameDecoder(decoder: PDUDecoder(maximumPDULength: maximumPDULength))))
        try operations.addHandler(MessageToByteHandler(PDUFrameEncoder()))
        try operations.addHandler(AssociationHandler(side: side, artimTimeout: artimTimeout))
        return try Async(wrappingChannelSynchronously: channel)
    }

    /// "ip:port" or "[ipv6]:port" of the peer; read it at accept, as a closed channel has none.
    static func address(of channel: Channel) -> String {
        PeerAddress.text(channel.remoteAddress)
    }

    /// The peer's address and, over TLS, its certificate.
    static func peer(of channel: Channel) async -> AssociationPeer {
        let address = address(of: channel)
        guard let certificate = try? await channel.nioSSL_peerCertificate().get() else {
            return AssociationPeer(address: address)
        }
        let subject = certificate.description
        return AssociationPeer(address: address, certificate: try? certificate.toDERBytes(), certificateSubject: subject)
    }
}
