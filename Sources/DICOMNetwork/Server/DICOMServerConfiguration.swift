import NIOCore

/// Where and how the DICOM server listens.
public struct DICOMServerConfiguration: Sendable {
    /// Loopback unless told otherwise: a PACS is reachable only where its operator decides.
    public var host: String
    /// 0 picks a free port (see `DICOMServer.run`'s `onListening`).
    public var port: Int
    public var tls: DICOMTLSServerConfiguration?
    /// PS3.8 ARTIM: how long a connection may stay silent before its A-ASSOCIATE-RQ, and how long
    /// to wait for the peer to close after a reject, release or abort.
    public var artimTimeout: TimeAmount
    /// Bounds any PDU before it is buffered; P-DATA-TF PDUs are further bounded by the
    /// negotiated maximum length.
    public var maximumPDULength: Int
    public var association: AssociationOptions

    public init(host: String = "127.0.0.1", port: Int, tls: DICOMTLSServerConfiguration? = nil,
                artimTimeout: TimeAmount = .seconds(30),
                maximumPDULength: Int = PDUDecoder.defaultMaximumPDULength, association: AssociationOptions = AssociationOptions()) {
        self.host = host
        self.port = port
        self.tls = tls
        self.artimTimeout = artimTimeout
        self.maximumPDULength = maximumPDULength
        self.association = association
    }
}
