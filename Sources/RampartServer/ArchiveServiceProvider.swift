import Access
import Archive
import DICOM
import DICOMNetwork

/// The DIMSE services of `rampart serve`: every association and every operation goes through
/// the gate, and the archive is reached only with the grant it returns (DESIGN.md rule 1).
public struct ArchiveServiceProvider: DICOMServiceProvider {
    public let archive: Archive
    public let gate: Gate
    public let aeTitle: AETitle
    public let log: @Sendable (String) -> Void

    public init(archive: Archive, gate: Gate, aeTitle: AETitle, log: @escaping @Sendable (String) -> Void) {
        self.archive = archive
        self.gate = gate
        self.aeTitle = aeTitle
        self.log = log
    }

    /// Verification and query/retrieve use these; storage keeps any known syntax as received.
    private static let uncompressed = [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid,
                                       TransferSyntax.deflatedExplicitVRLittleEndian.uid]

    private static func accessContext(callingAE: AETitle, peer: AssociationPeer) -> AccessContext {
        // User identities are verified with the user accounts of the security issue; until
        // then a DIMSE peer is known only as a registered AE from its registered host.
        AccessContext(principal: .applicationEntity(callingAE.value), channel: .dimse, peerAddress: peer.address,
                      callingAETitle: callingAE.value, authentication: .registeredAE)
    }

    private func grant(_ action: AccessAction, _ context: ServiceContext) async throws(DIMSEServiceFailure) -> Grant {
        do {
            return try await gate.decide(Self.accessContext(callingAE: context.association.callingAETitle, peer: context.peer), action)
        } catch {
            log("\(action) by \(context.association.callingAETitle)@\(context.peer) denied: \(error.reason)")
            throw DIMSEServiceFailure(.refusedNotAuthorized, "not authorized")
        }
    }

    public func associationRequested(_ request: AssociateRQ, peer: AssociationPeer) async -> AssociationDecision {
        do {
            _ = try await gate.decide(Self.accessContext(callingAE: request.callingAETitle, peer: peer), .associate)
        } catch {
            return .reject(AssociateRJ(result: .rejectedPermanent, source: .serviceUser(.callingAETitleNotRecognized)), reason: error.reason)
        }
        return .accept(.archive(aeTitle: aeTitle, answering: request, plainSyntaxes: Self.uncompressed), userIdentityResponse: nil)
    }

    public func echo(context: ServiceContext) async -> DIMSEStatus { .success }

    public func store(_ instance: ReceivedInstance, context: ServiceContext) async -> DIMSEServiceResult {
        let grant: Grant
        do {
            grant = try await self.grant(.store, context)
        } catch {
            return DIMSEServiceResult(error.status, comment: error.comment)
        }
        guard case let .file(spooled) = instance.dataSet else {
            return DIMSEServiceResult(.processingFailure, comment: "the data set was not spooled")
        }
        do {
            switch try await archive.store(file: spooled.path, moving: true, grant: grant) {
            case .stored, .replaced, .duplicateKept:
                return .success
            case let .rejected(rejection):
                log("C-STORE from \(context.association.callingAETitle)@\(context.peer) refused: \(rejection)")
                switch rejection {
                case .duplicate: return DIMSEServiceResult(.duplicateSOPInstance, comment: "already archived")
                case .unreadable, .missingAttribute, .invalidUID, .metaMismatch, .hierarchyConflict:
                    return DIMSEServiceResult(.errorCannotUnderstand, comment: "\(rejection)")
                }
            }
        } catch {
            log("C-STORE from \(context.association.callingAETitle)@\(context.peer) failed: \(error)")
            return DIMSEServiceResult(.refusedOutOfResources, comment: "the archive could not store the object")
        }
    }

    public func find(_ query: ServiceQuery, context: ServiceContext) async throws(DIMSEServiceFailure) -> AsyncThrowingStream<DataSet, any Error> {
        let identifier = try parse(query, .find, context)
        let grant = try await self.grant(.query, context)
        let matches: [DataSet]
        do {
            matches = try archive.find(identifier, grant: grant)
        } catch {
            log("C-FIND failed: \(error)")
            throw DIMSEServiceFailure(.unableToProcess, "the archive could not run the query")
        }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: DataSet.self)
        for match in matches { continuation.yield(match) }
        continuation.finish()
        return stream
    }

    public func retrieve(_ query: ServiceQuery, context: ServiceContext) async throws(DIMSEServiceFailure) -> [RetrievableInstance] {
        let identifier = try parse(query, QueryRetrieveOperation(sopClassUID: query.sopClassUID) ?? .move, context)
        let grant = try await self.grant(.retrieve, context)
        do {
            return try archive.instances(matching: identifier, grant: grant).map {
                RetrievableInstance(sopClassUID: $0.sopClassUID, sopInstanceUID: $0.sopInstanceUID, path: $0.path)
            }
        } catch {
            log("retrieve failed: \(error)")
            throw DIMSEServiceFailure(.refusedOutOfResourcesMatches, "the archive could not list the matches")
        }
    }

    public func moveDestination(_ aeTitle: AETitle, context: ServiceContext) async -> MoveDestination? {
        guard let entry = gate.registry[aeTitle.value] else { return nil }
        return MoveDestination(aeTitle: aeTitle, host: entry.host, port: entry.port)
    }

    /// Reads the identifier with the rules the association negotiated: relational when agreed
    /// for the SOP class (PS3.4 C.5), hierarchical otherwise.
    private func parse(_ query: ServiceQuery, _ operation: QueryRetrieveOperation,
                       _ context: ServiceContext) throws(DIMSEServiceFailure) -> QueryIdentifier {
        guard let model = QueryRetrieveModel(sopClassUID: query.sopClassUID) else {
            throw DIMSEServiceFailure(.sopClassNotSupported, "not a Query/Retrieve SOP class")
        }
        do {
            return try QueryIdentifier(query.identifier, model: model, operation: operation,
                                       options: QueryMatchingOptions(negotiatedOn: context.association, sopClassUID: query.sopClassUID))
        } catch {
            throw DIMSEServiceFailure(DIMSEStatus(rawValue: error.dimseStatus), "\(error)")
        }
    }
}
