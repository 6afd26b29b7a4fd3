import DICOM
import NIOCore
import Logs

/// A storage commitment outcome sent to its requestor on a new association (PS3.4 J.3.3).
/// Rampart requests that association as the SCP of the SOP class: it proposes SCP/SCU role
/// selection with SCU role 0 and SCP role 1 (PS3.7 D.3.3.4), which the requestor must accept.
struct StorageCommitmentReport: Sendable {
    let result: StorageCommitmentResult
    /// This SCP's AE title, the one the requestor called.
    let callingAETitle: AETitle
    let destination: MoveDestination
    let log: Log

    /// Bounds the wait for the N-EVENT-REPORT-RSP on the new association.
    static let responseTimeout: Duration = .seconds(30)

    /// Opens the association, sends the report, releases; failures are logged, not retried.
    func run() async {
        let sopClass = WellKnownSOPClass.storageCommitmentPushModel
        var proposal = AssociationProposal(
            callingAETitle: callingAETitle, calledAETitle: destination.aeTitle,
            contexts: [.init(abstractSyntax: sopClass,
                             transferSyntaxes: [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid])])
        proposal.roleSelections = [RoleSelection(sopClassUID: sopClass, scuRole: false, scpRole: true)]
        let client = DICOMClient(host: destination.host, port: destination.port, tls: destination.tls,
                                 options: AssociationOptions(responseTimeout: Self.responseTimeout))
        let address = "at \(destination.host):\(destination.port)"
        do {
            let result = self.result
            let status = try await client.withAssociation(proposal) { association -> DIMSEStatus? in
                guard let context = association.negotiated.context(forAbstractSyntax: sopClass), context.requestorIsSCP else {
                    return nil
                }
                return try await Self.send(result, on: association, context: context, responseTimeout: nil)
            }
            guard let status else {
                log.warning("storage commitment report to \(destination.aeTitle) \(address) not sent: it did not accept this AE as SCP of storage commitment (role selection)")
                return
            }
            Self.logAnswer(status, result: result, to: destination.aeTitle, how: "on a new association \(address)", log: log)
        } catch {
            log.warning("storage commitment report to \(destination.aeTitle) \(address) failed: \(error)")
        }
    }

    /// Sends the N-EVENT-REPORT-RQ on `context` and returns the status of its response.
    static func send(_ result: StorageCommitmentResult, on association: Association, context: AcceptedPresentationContext,
                     responseTimeout: Duration?) async throws -> DIMSEStatus {
        let bytes = try result.eventInformation.encoded(in: TransferSyntax(uid: context.transferSyntax))
        let request = DIMSECommand.eventReportRequest(
            messageID: association.nextMessageID(), sopClassUID: WellKnownSOPClass.storageCommitmentPushModel,
            sopInstanceUID: WellKnownSOPClass.storageCommitmentPushModelInstance, eventTypeID: result.eventTypeID)
        let response = try await association.requestSingle(request, contextID: context.id, dataSet: .bytes(ByteBuffer(bytes: bytes)),
                                                           responseTimeout: responseTimeout)
        return response.command.status ?? .processingFailure
    }

    /// One line per report: counts only, no instance UIDs (they can identify a patient's study).
    static func logAnswer(_ status: DIMSEStatus, result: StorageCommitmentResult, to requestor: AETitle, how: String,
                          log: Log) {
        log.info("storage commitment report to \(requestor) \(how): \(result.committed.count) committed, \(result.failed.count) failed; answered \(status)")
    }
}
