import DICOM
import NIOCore
import Logs

/// Runs the DIMSE services of one accepted association on a provider: takes each request from
/// the association, calls the provider, answers with the statuses of PS3.4 and PS3.7 Annex C.
///
/// Storage commitment reports that must go on a new association (PS3.4 J.3.3) run alongside,
/// so the requestor's release is answered at once; `run` returns when they are done too.
struct ServiceDispatcher: Sendable {
    let association: Association
    let provider: any DICOMServiceProvider
    let authenticatedUser: AuthenticatedUser?
    let metrics: DICOMServerMetrics
    let log: Log

    func run() async {
        await withDiscardingTaskGroup { reports in
            for await incoming in association.incoming {
                do {
                    switch incoming {
                    case .releaseRequested:
                        try await association.acceptRelease()
                    case let .request(message):
                        let started = ContinuousClock.now
                        let report = try await handle(message)
                        if let field = message.command.commandField { metrics.handled(field, in: ContinuousClock.now - started) }
                        if let report {
                            reports.addTask { await report.run() }
                        }
                    }
                } catch {
                    log.warning("association \(association.negotiated.callingAETitle)@\(association.peer): \(error)")
                    await association.abort()
                    return
                }
            }
        }
    }

    private func context(for message: DIMSEMessage) -> ServiceContext {
        let id = message.command.messageID ?? 0
        let association = self.association
        return ServiceContext(association: association.negotiated, peer: association.peer,
                              authenticatedUser: authenticatedUser, messageID: id, log: log,
                              cancelled: { association.isCancelled(id) })
    }

    /// Performs one request; returns a storage commitment report still to be sent.
    private func handle(_ message: DIMSEMessage) async throws -> StorageCommitmentReport? {
        let command = message.command
        let contextID = message.context.id
        switch command.commandField {
        case .cEchoRQ:
            let status = await provider.echo(context: context(for: message))
            try await association.send(.echoResponse(to: command, status: status), contextID: contextID)
        case .cStoreRQ:
            try await store(message)
        case .cFindRQ:
            try await find(message)
        case .cMoveRQ, .cGetRQ:
            try await RetrieveOperation(association: association, provider: provider, message: message,
                                        context: context(for: message), log: log).run()
        case .nActionRQ:
            return try await StorageCommitmentOperation(association: association, provider: provider, message: message,
                                                        context: context(for: message), log: log).run()
        default:
            // PS3.7 C.5.6: an operation this SCP does not perform; without a known response
            // type to answer with, the association cannot continue in step.
            throw AssociationError.protocolViolation("unsupported DIMSE command field 0x\(String(command.commandFieldValue ?? 0, radix: 16))")
        }
        return nil
    }

    private func store(_ message: DIMSEMessage) async throws {
        let command = message.command
        guard let dataSet = message.dataSet,
              let sopClass = command.affectedSOPClassUID, let sopInstance = command.affectedSOPInstanceUID else {
            try await association.send(.storeResponse(to: command, status: .errorCannotUnderstand,
                                                      errorComment: "C-STORE-RQ without a data set, SOP class or SOP instance UID"),
                                       contextID: message.context.id)
            return
        }
        let instance = ReceivedInstance(
            sopClassUID: sopClass, sopInstanceUID: sopInstance,
            transferSyntax: TransferSyntax(uid: message.context.transferSyntax),
            dataSet: dataSet, moveOriginator: command.moveOriginatorAETitle)
        let result = await provider.store(instance, context: context(for: message))
        if case let .file(spooled) = dataSet { spooled.remove() }
        try await association.send(.storeResponse(to: command, status: result.status, errorComment: result.comment),
                                   contextID: message.context.id)
    }

    private func find(_ message: DIMSEMessage) async throws {
        let command = message.command
        let contextID = message.context.id
        let syntax = TransferSyntax(uid: message.context.transferSyntax)
        let serviceContext = context(for: message)
        func finish(_ status: DIMSEStatus, _ comment: String? = nil) async throws {
            try await association.send(.findResponse(to: command, status: status, hasIdentifier: false, errorComment: comment), contextID: contextID)
        }
        let identifier: DataSet
        do {
            guard let decoded = try message.decodedDataSet() else {
                return try await finish(.identifierDoesNotMatchSOPClass, "C-FIND-RQ without an identifier")
            }
            identifier = decoded
        } catch {
            return try await finish(.identifierDoesNotMatchSOPClass, "the identifier cannot be decoded: \(error)")
        }
        let query = ServiceQuery(sopClassUID: command.affectedSOPClassUID ?? message.context.abstractSyntax,
                                 identifier: identifier, priority: command.priority ?? .medium)
        do {
            for try await match in try await provider.find(query, context: serviceContext) {
                if serviceContext.isCancelled { return try await finish(.cancel) }
                let bytes = try match.encoded(in: syntax)
                try await association.send(.findResponse(to: command, status: .pending, hasIdentifier: true),
                                           contextID: contextID, dataSet: .bytes(ByteBuffer(bytes: bytes)))
            }
        } catch let failure as DIMSEServiceFailure {
            return try await finish(failure.status, failure.comment)
        } catch let error as AssociationError {
            throw error
        } catch {
            return try await finish(.unableToProcess, "\(error)")
        }
        try await finish(serviceContext.isCancelled ? .cancel : .success)
    }
}
