import DICOM
import NIOCore
import Logs

/// One storage commitment request as SCP (PS3.4 J.3): check the N-ACTION-RQ, ask the provider
/// which instances it commits to, answer with the N-ACTION-RSP, then report the outcome in an
/// N-EVENT-REPORT-RQ. The report goes on this association while the requestor keeps it open
/// (J.3.3); once it has asked to release, or did not answer, `run` returns the report to send
/// on a new association to the requestor's registered address.
struct StorageCommitmentOperation {
    let association: Association
    let provider: any DICOMServiceProvider
    let message: DIMSEMessage
    let context: ServiceContext
    let log: Log

    /// How long the requestor may leave the report unanswered on its own association; after
    /// that the association is aborted and the report goes on a new one.
    static let reportResponseTimeout: Duration = .seconds(30)

    private var command: DIMSECommand { message.command }

    func run() async throws -> StorageCommitmentReport? {
        let sopClass = WellKnownSOPClass.storageCommitmentPushModel
        guard command.requestedSOPClassUID == sopClass, message.context.abstractSyntax == sopClass else {
            try await respond(.sopClassNotSupported, "N-ACTION is offered only for Storage Commitment Push Model (\(sopClass))")
            return nil
        }
        guard command.requestedSOPInstanceUID == WellKnownSOPClass.storageCommitmentPushModelInstance else {
            try await respond(.noSuchObjectInstance,
                              "storage commitment is requested of the well-known instance \(WellKnownSOPClass.storageCommitmentPushModelInstance)")
            return nil
        }
        guard command.actionTypeID == StorageCommitmentRequest.actionTypeID else {
            try await respond(.noSuchActionType, "storage commitment has only Action Type ID 1 (request storage commitment)")
            return nil
        }
        let request: StorageCommitmentRequest
        do {
            guard let information = try message.decodedDataSet() else {
                try await respond(.missingAttribute, "N-ACTION-RQ without action information")
                return nil
            }
            request = try StorageCommitmentRequest(actionInformation: information)
        } catch let error as StorageCommitmentError {
            try await respond(error.status, "\(error)")
            return nil
        } catch {
            try await respond(.invalidArgumentValue, "the action information cannot be decoded: \(error)")
            return nil
        }
        let result: StorageCommitmentResult
        do {
            result = try await provider.commit(request, context: context)
        } catch {
            try await respond(error.status, error.comment)
            return nil
        }
        try await association.send(.actionResponse(to: command, status: .success), contextID: message.context.id)
        return await report(result)
    }

    /// PS3.4 J.3.3: the SCP may report on the same association or a new one; this association
    /// is tried while the requestor has not asked to release it. A requestor that refuses the
    /// report here (a failure status: pynetdicom answers 0110H when no handler is bound) is
    /// sent it again on a new association, where it listens as SCP.
    private func report(_ result: StorageCommitmentResult) async -> StorageCommitmentReport? {
        let requestor = context.association.callingAETitle
        if !association.peerRequestedRelease {
            do {
                let status = try await StorageCommitmentReport.send(result, on: association, context: message.context,
                                                                    responseTimeout: Self.reportResponseTimeout)
                StorageCommitmentReport.logAnswer(status, result: result, to: requestor, how: "on its association", log: log)
                if status.category != .failure { return nil }
            } catch {
                log.warning("storage commitment report to \(requestor) not answered on its association (\(error))")
            }
            log.info("storage commitment report to \(requestor): sending it on a new association")
        }
        guard let destination = await provider.moveDestination(requestor, context: context) else {
            log.warning("storage commitment report to \(requestor) cannot be sent: its association has ended and its address is unknown")
            return nil
        }
        return StorageCommitmentReport(result: result, callingAETitle: context.association.calledAETitle, destination: destination, log: log)
    }

    private func respond(_ status: DIMSEStatus, _ comment: String) async throws {
        log.info("N-ACTION from \(context.association.callingAETitle)@\(context.peer) answered \(status)")
        try await association.send(.actionResponse(to: command, status: status, errorComment: comment), contextID: message.context.id)
    }
}
