import Access
import Archive
import Audit
import DICOM
import DICOMNetwork
import Imaging
import NIOPosix
import Logs

/// The DIMSE services of `rampart serve`: every association and every operation goes through
/// the gate, and the archive is reached only with the grant it returns (DESIGN.md rule 1).
public struct ArchiveServiceProvider: DICOMServiceProvider {
    public let archive: Archive
    public let gate: Gate
    /// Where decisions are recorded (the gate's recorder), and what the operations did.
    public let audit: AuditTrail
    public let aeTitle: AETitle
    /// What a user identity (username and passcode, API key, JWT) is checked against, shared
    /// with the HTTP side: one lockout and one one-time-code ledger for both.
    public let credentials: Credentials
    private var users: UserDirectory { credentials.users }
    /// C-FIND person names match regardless of letter case (rampart.yaml query.case_insensitive_person_names).
    /// Changeable at run time (`/api/settings`).
    public let caseInsensitivePersonNames: RunTimeSetting<Bool>
    /// Connections refused over `dicom.limits`, coalesced into security alerts.
    public let connectionAlerts: ConnectionAlerts
    public let log: Log

    public init(archive: Archive, gate: Gate, audit: AuditTrail, aeTitle: AETitle, credentials: Credentials, caseInsensitivePersonNames: RunTimeSetting<Bool> = RunTimeSetting(true),
                log: Log) {
        self.archive = archive
        self.gate = gate
        self.audit = audit
        self.aeTitle = aeTitle
        self.credentials = credentials
        self.caseInsensitivePersonNames = caseInsensitivePersonNames
        connectionAlerts = ConnectionAlerts(audit: audit, log: log)
        self.log = log
    }

    /// Verification, storage commitment and query/retrieve use these; storage keeps any known
    /// syntax as received.
    static let plainSyntaxes = [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid,
                                       TransferSyntax.deflatedExplicitVRLittleEndian.uid]

    /// A user the association authenticated, or else the calling AE (which the gate accepts only
    /// when registered for the peer's host, or holding its bound certificate). Either way the
    /// context names the device by its TLS client certificate, when it presented one.
    private static func accessContext(callingAE: AETitle, peer: AssociationPeer, user: String?, roles: [String] = [],
                                      strength: AuthenticationStrength = .password, personName: String? = nil) -> AccessContext {
        let fingerprint = peer.certificate.map { CertificateFingerprint(der: $0).hex }
        if let user {
            return AccessContext(principal: .user(user), roles: roles, channel: .dimse, peerAddress: peer.address,
                                 callingAETitle: callingAE.value, certificateFingerprint: fingerprint, authentication: strength,
                                 personName: personName)
        }
        return AccessContext(principal: .applicationEntity(callingAE.value), channel: .dimse, peerAddress: peer.address,
                             callingAETitle: callingAE.value, certificateFingerprint: fingerprint, authentication: .registeredAE)
    }

    /// The calling AE, with the strength its registry entry proves for this peer: a bound
    /// certificate it presented, or its registered host; nothing when the entry refuses it
    /// (the gate then says why).
    private func applicationEntityContext(callingAE: AETitle, peer: AssociationPeer) -> AccessContext {
        var context = Self.accessContext(callingAE: callingAE, peer: peer, user: nil)
        let admission = gate.registry[callingAE.value]?.admission(host: Gate.host(of: peer.address),
                                                                   certificateFingerprint: context.certificateFingerprint)
        context.authentication = admission.map { $0.allowed ? $0.strength : .none } ?? .none
        return context
    }

    /// What the request's user identity proves (PS3.7 D.3.3.7): username and passcode (a service
    /// account's when the passcode is an API key), or a JWT this server or a configured identity
    /// provider issued. A bare username proves nothing, and Kerberos and SAML are not
    /// supported: those peers are judged by their AE title alone.
    private func authenticate(_ request: AssociateRQ, peer: AssociationPeer) async -> AccessContext {
        guard let identity = request.userInformation.userIdentityRQ else {
            return applicationEntityContext(callingAE: request.callingAETitle, peer: peer)
        }
        switch identity.kind {
        case .usernameAndPasscode: return await authenticateSecret(identity, request, peer: peer)
        case .jwt: return await authenticateToken(identity, request.callingAETitle, peer: peer)
        case .username, .kerberos, .saml: return applicationEntityContext(callingAE: request.callingAETitle, peer: peer)
        }
    }

    /// A type-5 identity: the token's user with its roles, with token strength, or a failure that
    /// says why. `failurePrefix` tells an operation's re-check from the sign-in.
    private func authenticateToken(_ identity: UserIdentityRQ, _ callingAE: AETitle, peer: AssociationPeer,
                                   failurePrefix: String = "") async -> AccessContext {
        do {
            let verified = try await credentials.tokens.verify(String(decoding: identity.primaryField, as: UTF8.self), users: users)
            var context = Self.accessContext(callingAE: callingAE, peer: peer, user: verified.subject, roles: verified.roles, strength: .token,
                                             personName: verified.personName)
            context.purposeOfUse = verified.purposeOfUse
            return context
        } catch {
            return Self.failed(callingAE: callingAE, peer: peer, failurePrefix + error.description)
        }
    }

    private static func serviceContext(_ account: ServiceAccount, callingAE: AETitle, peer: AssociationPeer) -> AccessContext {
        AccessContext(principal: .service(account.name), roles: account.roles, channel: .dimse, peerAddress: peer.address,
                      callingAETitle: callingAE.value, authentication: .apiKey, scope: account.scope)
    }

    /// A credential that did not prove who it claimed: anonymous, with the reason the gate records.
    private static func failed(callingAE: AETitle, peer: AssociationPeer, _ failure: String) -> AccessContext {
        var context = accessContext(callingAE: callingAE, peer: peer, user: nil)
        context.principal = .anonymous
        context.authentication = .none
        context.authenticationFailure = failure
        return context
    }

    /// A type-2 identity: a service account when the passcode is an API key, a user's password
    /// (and one-time code) otherwise, under the login throttle. A failure is an anonymous
    /// context that says why, naming the identity it tried.
    private func authenticateSecret(_ identity: UserIdentityRQ, _ request: AssociateRQ, peer: AssociationPeer) async -> AccessContext {
        let name = String(decoding: identity.primaryField, as: UTF8.self)
        let secret = String(decoding: identity.secondaryField, as: UTF8.self)
        switch await credentials.signIn(name: name, secret: secret, peerHost: Gate.host(of: peer.address)) {
        case let .success(.service(account)):
            return Self.serviceContext(account, callingAE: request.callingAETitle, peer: peer)
        case let .success(.user(account, secondFactor)):
            return Self.accessContext(callingAE: request.callingAETitle, peer: peer, user: account.name, strength: secondFactor ? .mfa : .password,
                                      personName: account.personName)
        case let .failure(failure):
            if !failure.locked.isEmpty {
                audit.recordLockout(failure.locked, Self.accessContext(callingAE: request.callingAETitle, peer: peer, user: nil), log: log)
            }
            let kind = APIKey.isKey(secret) ? "service identity" : "user identity"
            return Self.failed(callingAE: request.callingAETitle, peer: peer, "\(failure) (\(kind) \"\(LogText.printable(name))\")")
        }
    }

    /// A certificate problem (no client certificate where one is required, one from a CA not
    /// trusted, an expired one) fails the TLS handshake before any association: a Node
    /// Authentication failure in the audit log, naming the device's address and, when it got that
    /// far, its certificate.
    /// The imaging codecs: a C-GET or C-MOVE peer that accepts only uncompressed syntaxes gets
    /// compressed objects decoded.
    public var pixelDataConverter: (any PixelDataConverter)? { Transcoder() }

    public func tlsFailed(peer: AssociationPeer, reason: String) async {
        let context = AccessContext(principal: .anonymous, channel: .dimse, peerAddress: peer.address,
                                    certificateFingerprint: peer.certificate.map { CertificateFingerprint(der: $0).hex }, authentication: .none)
        audit.append(AuditEvent(kind: .securityAlert, type: .nodeAuthentication, outcome: .minorFailure,
                                actor: AuditTrail.actor(context), channel: context.channel.rawValue, source: AuditTrail.source(context),
                                reason: "the TLS connection from \(peer.address) failed: \(reason)"),
                     orLog: log, what: "a failed TLS connection")
    }

    /// A connection refused over `dicom.limits`: a security alert, at most one a minute per host
    /// and limit (`ConnectionAlerts`).
    public func associationLimitExceeded(peer: AssociationPeer, refusal: AssociationLimiter.Refusal) async {
        connectionAlerts.refused(peer: peer, refusal: refusal)
    }

    /// A connection aborted for breaking the protocol: a security alert, at most one a minute
    /// per host (`ConnectionAlerts`).
    public func protocolViolated(peer: AssociationPeer, detail: String) async {
        connectionAlerts.protocolViolated(peer: peer, detail: detail)
    }

    /// Who acts in an operation: the association's principal as its credential stands now. A
    /// token is checked again (one that expired since, or whose user was disabled, acts no
    /// more), and so is an API key (a revoked one acts no more); a password user's account is
    /// looked up again (scrypt is not run twice).
    private func operationContext(_ context: ServiceContext) async -> AccessContext {
        let callingAE = context.association.callingAETitle
        guard let authenticated = context.authenticatedUser, let identity = context.association.userIdentity else {
            return applicationEntityContext(callingAE: callingAE, peer: context.peer)
        }
        let user = authenticated.name
        let passcode = String(decoding: identity.secondaryField, as: UTF8.self)
        switch identity.kind {
        case .jwt:
            return await authenticateToken(identity, callingAE, peer: context.peer, failurePrefix: "since the association began: ")
        case .usernameAndPasscode where APIKey.isKey(passcode):
            do {
                return Self.serviceContext(try credentials.services.current().authenticate(name: user, key: passcode), callingAE: callingAE, peer: context.peer)
            } catch {
                return Self.failed(callingAE: callingAE, peer: context.peer, "since the association began: \(error)")
            }
        case .usernameAndPasscode, .username, .kerberos, .saml:
            let account = users[user]
            // The strength the sign-in proved: a one-time code cannot be checked again later.
            var access = Self.accessContext(callingAE: callingAE, peer: context.peer, user: user, roles: account?.roles ?? [],
                                            strength: authenticated.secondFactor ? .mfa : .password, personName: account?.personName)
            if account?.disabled == true {
                access.authenticationFailure = "the account of user \(user) was disabled after the association began"
            }
            return access
        }
    }

    private func grant(_ action: AccessAction, _ context: ServiceContext,
                       concerning subjects: AccessSubjects = .none) async throws(DIMSEServiceFailure) -> Grant {
        let access = await operationContext(context)
        do {
            let grant = try await gate.decide(access, action, concerning: subjects)
            if grant.brokeTheGlass {
                context.log.warning("BREAK-THE-GLASS: \(access.principal) \(action) from \(context.peer), \(grant.decisionID): flagged for review")
            }
            return grant
        } catch {
            context.log.notice("\(action) by \(context.association.callingAETitle)@\(context.peer) denied: \(error.reason)")
            throw DIMSEServiceFailure(.refusedNotAuthorized, "not authorized")
        }
    }

    public func associationRequested(_ request: AssociateRQ, peer: AssociationPeer) async -> AssociationDecision {
        let context = await authenticate(request, peer: peer)
        do {
            _ = try await gate.decide(context, .associate)
        } catch {
            // A failed credential is not an unknown AE: the peer's operator should check the
            // user name and password, not the AE registry.
            let reason: AssociateRJ.UserReason = context.authenticationFailure == nil ? .callingAETitleNotRecognized : .noReasonGiven
            return .reject(AssociateRJ(result: .rejectedPermanent, source: .serviceUser(reason)), reason: error.reason)
        }
        let user: AuthenticatedUser? = switch context.principal {
        case let .user(name), let .service(name): AuthenticatedUser(name: name, secondFactor: context.authentication == .mfa)
        case .applicationEntity, .localOperator, .anonymous: nil
        }
        // PS3.7 D.3.3.7.2: the server response carries a Kerberos ticket or a SAML response and is
        // empty otherwise, so for a username and passcode or a JWT.
        let response = user != nil && request.userInformation.userIdentityRQ?.positiveResponseRequested == true
            ? UserIdentityAC(serverResponse: []) : nil
        return .accept(.archive(aeTitle: aeTitle, answering: request, plainSyntaxes: Self.plainSyntaxes),
                       userIdentityResponse: response, authenticatedUser: user)
    }

    public func echo(context: ServiceContext) async -> DIMSEStatus { .success }

    public func store(_ instance: ReceivedInstance, context: ServiceContext) async -> DIMSEServiceResult {
        guard case let .file(spooled) = instance.dataSet else {
            return DIMSEServiceResult(.processingFailure, comment: "the data set was not spooled")
        }
        do {
            // The archive reads the file first, so that the decision is recorded with the
            // patient and study it names; nothing is filed before the grant.
            var granted: Grant?
            let outcome = try await archive.store(file: spooled.path, moving: true) { named in
                var subjects = named
                if subjects.sopInstanceUIDs.isEmpty { subjects.sopInstanceUIDs = [instance.sopInstanceUID] }
                let grant = try await self.grant(.store, context, concerning: subjects)
                granted = grant
                return grant
            }
            switch outcome {
            case .stored, .replaced, .duplicateKept:
                return .success
            case let .rejected(rejection):
                context.log.notice("C-STORE from \(context.association.callingAETitle)@\(context.peer) refused: \(rejection)")
                if let granted {
                    do {
                        try audit.refusedStore("\(rejection)", instance: instance.sopInstanceUID, grant: granted)
                    } catch {
                        log.error("the audit log could not record the refused C-STORE of \(granted.decisionID): \(error)")
                    }
                }
                switch rejection {
                case .duplicate: return DIMSEServiceResult(.duplicateSOPInstance, comment: "already archived")
                // The gate refuses such an object before this, with the study as it was; this is
                // the study as it is when the object is filed.
                case .outsideGrant: return DIMSEServiceResult(.refusedNotAuthorized, comment: "not authorized")
                case .unreadable, .missingAttribute, .invalidUID, .metaMismatch, .hierarchyConflict:
                    return DIMSEServiceResult(.errorCannotUnderstand, comment: "\(rejection)")
                }
            }
        } catch let refused as DIMSEServiceFailure {
            return DIMSEServiceResult(refused.status, comment: refused.comment)
        } catch {
            context.log.error("C-STORE from \(context.association.callingAETitle)@\(context.peer) failed: \(error)")
            return DIMSEServiceResult(.refusedOutOfResources, comment: "the archive could not store the object")
        }
    }

    public func find(_ query: ServiceQuery, context: ServiceContext) async throws(DIMSEServiceFailure) -> AsyncThrowingStream<DataSet, any Error> {
        let grant = try await self.grant(.query, context, concerning: Self.subjects(of: query))
        let identifier = try parse(query, .find, context, view: grant.view)
        let matches: [DataSet]
        do {
            let found = try archive.find(identifier, grant: grant)
            // The patients and studies the answers show are recorded before they leave.
            try record(.patientRecord, found.map { ($0.string(Self.patientID) ?? "", $0.string(Self.studyInstanceUID) ?? "") }, "answers", grant)
            // DESIGN.md rule 4: each answer leaves as the principal's view shows it.
            matches = found.map(grant.view.apply(to:))
        } catch let error as DIMSEServiceFailure {
            throw error
        } catch {
            context.log.error("C-FIND failed: \(error)")
            throw DIMSEServiceFailure(.unableToProcess, "the archive could not run the query")
        }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: DataSet.self)
        for match in matches { continuation.yield(match) }
        continuation.finish()
        return stream
    }

    public func retrieve(_ query: ServiceQuery, context: ServiceContext) async throws(DIMSEServiceFailure) -> [RetrievableInstance] {
        var subjects = Self.subjects(of: query)
        subjects.destination = query.moveDestination.map { AccessDestination(aeTitle: $0.aeTitle.value, host: $0.host, port: $0.port) }
        let grant = try await self.grant(.retrieve, context, concerning: subjects)
        let identifier = try parse(query, QueryRetrieveOperation(sopClassUID: query.sopClassUID) ?? .move, context, view: grant.view)
        // DESIGN.md rule 4: an object leaves re-encoded as the principal's view shows it.
        let view = grant.view
        let rewrite = view.isFull ? nil : DataSetRewrite { view.apply(to: $0) }
        do {
            let instances = try archive.instances(matching: identifier, grant: grant)
            // Recorded before the first instance is sent: what this retrieve is to send, naming
            // the patients even when the identifier did not (the decision before could only
            // name what the request named: the archive is read with its grant).
            try record(.instancesTransferred, instances.map { ($0.patientID, $0.studyInstanceUID) }, "instances", grant,
                       destination: subjects.destination.map(AuditTrail.destination))
            let archive = archive
            return instances.map { instance in
                RetrievableInstance(sopClassUID: instance.sopClassUID, sopInstanceUID: instance.sopInstanceUID,
                                    transferSyntax: instance.transferSyntax, rewrite: rewrite) { body in
                    let blob = try await archive.localBlob(of: instance, grant: grant)
                    defer { blob.release() }
                    return try await body(blob.path)
                }
            }
        } catch let error as DIMSEServiceFailure {
            throw error
        } catch {
            context.log.error("retrieve failed: \(error)")
            throw DIMSEServiceFailure(.refusedOutOfResourcesMatches, "the archive could not list the matches")
        }
    }

    public func moveDestination(_ aeTitle: AETitle, context: ServiceContext) async -> MoveDestination? {
        guard let entry = gate.registry[aeTitle.value] else { return nil }
        return MoveDestination(aeTitle: aeTitle, host: entry.host, port: entry.port)
    }

    /// Storage commitment (PS3.4 J.3) through the gate as `.store`: an instance is committed when
    /// the index has it as the referenced SOP class and its file is in the blob store, which
    /// store() makes durable before it answers success (DESIGN.md rule 5).
    public func commit(_ request: StorageCommitmentRequest, context: ServiceContext) async throws(DIMSEServiceFailure) -> StorageCommitmentResult {
        let grant = try await self.grant(.store, context)
        let presence: [InstancePresence]
        do {
            presence = try archive.presence(of: request.references, grant: grant)
        } catch {
            context.log.error("storage commitment for \(context.association.callingAETitle)@\(context.peer) failed: \(error)")
            throw DIMSEServiceFailure(.processingFailure, "the archive could not check the instances")
        }
        var result = StorageCommitmentResult(transactionUID: request.transactionUID, committed: [], failed: [])
        for (reference, found) in zip(request.references, presence) {
            switch found {
            case .present: result.committed.append(reference)
            case .absent: result.failed.append(StorageCommitmentFailure(reference: reference, reason: .noSuchObjectInstance))
            case .otherClass: result.failed.append(StorageCommitmentFailure(reference: reference, reason: .classInstanceConflict))
            case .fileMissing: result.failed.append(StorageCommitmentFailure(reference: reference, reason: .processingFailure))
            }
        }
        return result
    }

    /// The patients and studies that answers or a transfer disclose, recorded before the data
    /// leaves (DESIGN.md rule 2): when the record cannot be written, nothing leaves.
    private func record(_ kind: AuditEventKind, _ disclosed: [(patientID: String, studyUID: String)], _ items: String,
                        _ grant: Grant, destination: AuditDestination? = nil) throws(DIMSEServiceFailure) {
        guard !disclosed.isEmpty else { return }
        do {
            try audit.disclosed(kind, disclosed, items: items, grant: grant, destination: destination)
        } catch {
            log.error("the audit log could not record what \(grant.decisionID) discloses: \(error)")
            throw DIMSEServiceFailure(.unableToProcess, "the access could not be recorded")
        }
    }

    private static let patientID = Tag(0x0010, 0x0020)
    private static let studyInstanceUID = Tag(0x0020, 0x000D)

    private static func subjects(of query: ServiceQuery) -> AccessSubjects {
        AccessSubjects(query: query.identifier, sopClassUID: query.sopClassUID)
    }

    /// Reads the identifier with the rules the association negotiated: relational when agreed
    /// for the SOP class (PS3.4 C.5), hierarchical otherwise; keys the view hides match anything.
    private func parse(_ query: ServiceQuery, _ operation: QueryRetrieveOperation,
                       _ context: ServiceContext, view: AttributeView) throws(DIMSEServiceFailure) -> QueryIdentifier {
        guard let model = QueryRetrieveModel(sopClassUID: query.sopClassUID) else {
            throw DIMSEServiceFailure(.sopClassNotSupported, "not a Query/Retrieve SOP class")
        }
        var options = QueryMatchingOptions(negotiatedOn: context.association, sopClassUID: query.sopClassUID)
        options.caseInsensitivePersonNames = caseInsensitivePersonNames.value
        do {
            return try QueryIdentifier(view.matchingOnlyWhatItShows(query.identifier), model: model, operation: operation, options: options)
        } catch {
            throw DIMSEServiceFailure(DIMSEStatus(rawValue: error.dimseStatus), "\(error)")
        }
    }
}
