import DICOM
import Logs

/// What an SCP does, independent of the network: the archive implements this, and the server
/// runs associations and DIMSE on its behalf (PS3.4 Annexes A, B, C).
///
/// Each operation gets the `ServiceContext` of its association, which carries who the peer is
/// and what was negotiated, so the implementation can decide what that peer may do.
public protocol DICOMServiceProvider: Sendable {
    /// Decides on an association request: authenticate the user identity and the peer, and say
    /// which services are offered. Called once per association, before anything else.
    func associationRequested(_ request: AssociateRQ, peer: AssociationPeer) async -> AssociationDecision
    /// C-ECHO (PS3.4 A).
    func echo(context: ServiceContext) async -> DIMSEStatus
    /// C-STORE (PS3.4 B). Answer success only once the instance is safely stored. A spooled file
    /// that is not moved away is deleted after this returns.
    func store(_ instance: ReceivedInstance, context: ServiceContext) async -> DIMSEServiceResult
    /// C-FIND (PS3.4 C.4.1): the matches, as response identifiers.
    func find(_ query: ServiceQuery, context: ServiceContext) async throws(DIMSEServiceFailure) -> AsyncThrowingStream<DataSet, any Error>
    /// C-MOVE and C-GET (PS3.4 C.4.2, C.4.3): the instances to send.
    func retrieve(_ query: ServiceQuery, context: ServiceContext) async throws(DIMSEServiceFailure) -> [RetrievableInstance]
    /// Where an AE title is reached: a C-MOVE destination (nil when unknown: status A801), and
    /// the requestor of a storage commitment whose association ended before its report
    /// (PS3.4 J.3.3: the report then goes on a new association; nil: it cannot be sent).
    func moveDestination(_ aeTitle: AETitle, context: ServiceContext) async -> MoveDestination?
    /// Storage Commitment Push Model (PS3.4 J.3): which of the referenced instances this SCP
    /// takes responsibility for, and why it refuses the others. Called before the N-ACTION-RSP:
    /// a thrown failure is that response's status and nothing is reported; the result goes to
    /// the requestor in an N-EVENT-REPORT-RQ.
    func commit(_ request: StorageCommitmentRequest, context: ServiceContext) async throws(DIMSEServiceFailure) -> StorageCommitmentResult
    /// A TLS connection failed: its handshake (a client certificate missing, expired, or from a
    /// CA not trusted) or later. No association request was read from it. For the audit log:
    /// the server has closed the connection already.
    func tlsFailed(peer: AssociationPeer, reason: String) async
    /// A connection was refused over the server's `AssociationLimits` (its A-ASSOCIATE-RQ, if one
    /// comes, gets A-ASSOCIATE-RJ local-limit-exceeded, and nothing of it is looked at). The peer
    /// has only its address. For the audit log: a flood calls this once per connection, so an
    /// implementation that records must bound what it writes.
    func associationLimitExceeded(peer: AssociationPeer, refusal: AssociationLimiter.Refusal) async
    /// The server aborted a connection because the peer broke the protocol (`AssociationAbort
    /// .protocolViolation`), before or after its association was accepted. For the audit log: a
    /// flood calls this once per connection, so an implementation that records must bound it.
    func protocolViolated(peer: AssociationPeer, detail: String) async
    /// What decodes compressed pixel data for a C-GET or C-MOVE destination that accepted only
    /// uncompressed syntaxes; nil: such an instance is a failed sub-operation.
    var pixelDataConverter: (any PixelDataConverter)? { get }
}

extension DICOMServiceProvider {
    /// A provider that keeps no audit log has nothing to record.
    public func tlsFailed(peer: AssociationPeer, reason: String) async {}
    public func associationLimitExceeded(peer: AssociationPeer, refusal: AssociationLimiter.Refusal) async {}
    public func protocolViolated(peer: AssociationPeer, detail: String) async {}
    /// A provider without codecs sends compressed objects only to peers that accept them.
    public var pixelDataConverter: (any PixelDataConverter)? { nil }
}

/// How to answer an association request.
public enum AssociationDecision: Sendable {
    /// Negotiate with this configuration; `userIdentityResponse` goes back when asked for.
    /// `authenticatedUser` is the user the request's identity proved to be, if any: every
    /// operation on the association sees it in its `ServiceContext`.
    case accept(AcceptorConfiguration, userIdentityResponse: UserIdentityAC?, authenticatedUser: AuthenticatedUser? = nil)
    /// Refuse; `reason` is for the log, the peer sees only the A-ASSOCIATE-RJ.
    case reject(AssociateRJ, reason: String)
}

/// Who an association's user identity proved to be, and how.
public struct AuthenticatedUser: Sendable, Hashable {
    public let name: String
    /// The sign-in carried a second factor (a one-time code) besides the passcode.
    public let secondFactor: Bool

    public init(name: String, secondFactor: Bool = false) {
        self.name = name
        self.secondFactor = secondFactor
    }
}

/// The association an operation runs in.
public struct ServiceContext: Sendable {
    public let association: NegotiatedAssociation
    public let peer: AssociationPeer
    /// The user the association's user identity negotiation authenticated (see
    /// `AssociationDecision.accept`); nil when none was verified.
    public let authenticatedUser: AuthenticatedUser?
    /// The request's message ID.
    public let messageID: UInt16
    /// The server's log, its lines naming this association.
    public let log: Log
    let cancelled: @Sendable () -> Bool

    /// True once the peer sent a C-CANCEL for this operation.
    public var isCancelled: Bool { cancelled() }
}

/// A C-STORE data set as received.
public struct ReceivedInstance: Sendable {
    public var sopClassUID: String
    public var sopInstanceUID: String
    public var transferSyntax: TransferSyntax
    public var dataSet: ReceivedDataSet
    /// Set when the store is a sub-operation of another AE's C-MOVE (PS3.7 9.1.1.1).
    public var moveOriginator: AETitle?
}

/// A C-FIND, C-MOVE or C-GET request.
public struct ServiceQuery: Sendable {
    public var sopClassUID: String
    public var identifier: DataSet
    public var priority: Priority
    /// Where a C-MOVE sends the instances, as `moveDestination(_:context:)` resolved its Move
    /// Destination; nil for C-FIND and for C-GET, which sends back to the requestor.
    public var moveDestination: MoveDestination? = nil
}

/// One instance a retrieve will send: a Part 10 file, and what to change in it on the way out.
public struct RetrievableInstance: Sendable {
    /// Lends the instance's Part 10 file for the time of `body`, which reads it by path: a
    /// file that must be fetched or decrypted first exists only while it is sent.
    public typealias FileLender = @Sendable (_ body: (String) async throws -> DIMSEServiceResult) async throws -> DIMSEServiceResult

    public var sopClassUID: String
    public var sopInstanceUID: String
    /// The transfer syntax it is stored in, which a C-MOVE proposes; nil when unknown.
    public var transferSyntax: TransferSyntax?
    public var withFile: FileLender
    /// The requester's view of the data set; when set, the instance is re-encoded through the
    /// spool folder and never sent as stored.
    public var rewrite: DataSetRewrite?

    public init(sopClassUID: String, sopInstanceUID: String, transferSyntax: TransferSyntax?, rewrite: DataSetRewrite? = nil,
                withFile: @escaping FileLender) {
        self.sopClassUID = sopClassUID
        self.sopInstanceUID = sopInstanceUID
        self.transferSyntax = transferSyntax
        self.withFile = withFile
        self.rewrite = rewrite
    }

    /// A Part 10 file that stays at `path`; its transfer syntax is read from its meta group.
    public init(sopClassUID: String, sopInstanceUID: String, path: String, rewrite: DataSetRewrite? = nil) {
        self.init(sopClassUID: sopClassUID, sopInstanceUID: sopInstanceUID,
                  transferSyntax: (try? DICOMFileHeader(contentsOf: path))?.transferSyntax, rewrite: rewrite) { body in
            try await body(path)
        }
    }
}

/// Where a C-MOVE sends to, or a storage commitment report goes on a new association.
public struct MoveDestination: Sendable {
    public var aeTitle: AETitle
    public var host: String
    public var port: Int
    public var tls: DICOMTLSClientConfiguration?

    public init(aeTitle: AETitle, host: String, port: Int, tls: DICOMTLSClientConfiguration? = nil) {
        self.aeTitle = aeTitle
        self.host = host
        self.port = port
        self.tls = tls
    }
}

/// A DIMSE status with the comment that explains it (PS3.7 C.4, Error Comment 0000,0902).
public struct DIMSEServiceResult: Sendable {
    public var status: DIMSEStatus
    public var comment: String?

    public init(_ status: DIMSEStatus, comment: String? = nil) {
        self.status = status
        self.comment = comment
    }

    public static let success = DIMSEServiceResult(.success)
}

/// An operation failed with this status; the comment goes to the peer (no patient data in it).
public struct DIMSEServiceFailure: Error, Sendable, CustomStringConvertible {
    public var status: DIMSEStatus
    public var comment: String

    public init(_ status: DIMSEStatus, _ comment: String) {
        self.status = status
        self.comment = comment
    }

    public var description: String { "\(status): \(comment)" }
}
