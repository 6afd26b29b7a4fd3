/// Who is at the other end of an association, as far as the transport can tell.
public struct AssociationPeer: Sendable, Hashable, CustomStringConvertible {
    /// "ip:port" of the remote end.
    public var address: String
    /// The peer's TLS certificate (DER), when the connection is TLS and the peer presented one.
    public var certificate: [UInt8]?
    /// The certificate's subject, for logs and audit.
    public var certificateSubject: String?

    public init(address: String, certificate: [UInt8]? = nil, certificateSubject: String? = nil) {
        self.address = address
        self.certificate = certificate
        self.certificateSubject = certificateSubject
    }

    public var description: String {
        certificateSubject.map { "\(address) (\($0))" } ?? address
    }
}
