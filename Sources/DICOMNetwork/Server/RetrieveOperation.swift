import DICOM
import NIOCore
import Logs

/// One C-MOVE or C-GET as SCP (PS3.4 C.4.2, C.4.3): find the instances, send each with a
/// C-STORE sub-operation (to the move destination on a new association, or back on this one for
/// C-GET), report progress in pending responses, stop at a C-CANCEL, and end with the counts.
///
/// Each instance goes in its stored transfer syntax when the storage association accepted it,
/// else re-encoded in an accepted uncompressed one (`TransferSyntaxChoice`), decompressed by the
/// provider's `pixelDataConverter` when stored compressed, one instance at a time; an instance
/// the provider gave a rewrite (the requester's view) is always re-encoded. One that cannot go
/// (compressed in a syntax the converter cannot decode, and only other syntaxes accepted) is a
/// failed sub-operation, listed in Failed SOP Instance UID List; the others still go.
struct RetrieveOperation {
    let association: Association
    let provider: any DICOMServiceProvider
    let message: DIMSEMessage
    let context: ServiceContext
    let log: Log

    private var command: DIMSECommand { message.command }
    private var isMove: Bool { command.commandField == .cMoveRQ }

    private struct Counts {
        var remaining: Int
        var completed = 0
        var failed = 0
        var warning = 0
        var failedInstances: [String] = []
    }

    func run() async throws {
        let identifier: DataSet
        do {
            guard let decoded = try message.decodedDataSet() else {
                return try await respondFailure(.identifierDoesNotMatchSOPClass, "\(kind) without an identifier")
            }
            identifier = decoded
        } catch {
            return try await respondFailure(.identifierDoesNotMatchSOPClass, "the identifier cannot be decoded: \(error)")
        }
        var destination: MoveDestination?
        if isMove {
            guard let title = command.moveDestination, !title.isBlank,
                  let known = await provider.moveDestination(title, context: context) else {
                return try await respondFailure(.refusedMoveDestinationUnknown,
                                                "move destination '\(command.moveDestination?.value ?? "")' is not a known AE")
            }
            destination = known
        }
        let query = ServiceQuery(sopClassUID: command.affectedSOPClassUID ?? message.context.abstractSyntax,
                                 identifier: identifier, priority: command.priority ?? .medium, moveDestination: destination)
        let instances: [RetrievableInstance]
        do {
            instances = try await provider.retrieve(query, context: context)
        } catch {
            return try await respondFailure(error.status, error.comment)
        }
        guard instances.count <= Int(UInt16.max) else {
            return try await respondFailure(.refusedOutOfResourcesMatches,
                                            "\(instances.count) instances match, more than one retrieve can count (65535): narrow the query")
        }
        if instances.isEmpty {
            return try await respond(.success, Counts(remaining: 0), final: true)
        }
        if let destination {
            try await moveTo(destination, instances)
        } else {
            try await getBack(instances)
        }
    }

    private var kind: String { isMove ? "C-MOVE-RQ" : "C-GET-RQ" }

    private func moveTo(_ destination: MoveDestination, _ instances: [RetrievableInstance]) async throws {
        var proposalFiles: [(sopClassUID: String, transferSyntax: TransferSyntax)] = []
        for instance in instances {
            if let transferSyntax = instance.transferSyntax {
                proposalFiles.append((instance.sopClassUID, transferSyntax))
            }
        }
        var proposal = AssociationProposal(callingAETitle: context.association.calledAETitle, calledAETitle: destination.aeTitle,
                                           contexts: Array(InstanceSender.contexts(for: proposalFiles).prefix(128)))
        proposal.maximumLength = context.association.acceptorMaximumLength
        // Instances re-encoded for the destination go through this association's spool folder.
        let client = DICOMClient(host: destination.host, port: destination.port, tls: destination.tls,
                                 options: AssociationOptions(spoolDirectory: association.options.spoolDirectory, responseTimeout: .seconds(60)))
        let originator = (context.association.callingAETitle, command.messageID ?? 0)
        let operation = self
        do {
            try await client.withAssociation(proposal) { subAssociation in
                var counts = Counts(remaining: instances.count)
                for instance in instances {
                    if operation.context.isCancelled { break }
                    await operation.sendOne(instance, counts: &counts) { instance in
                        try await instance.withFile { path in
                            try await InstanceSender.send(path: path, on: subAssociation, moveOriginator: originator,
                                                          rewrite: instance.rewrite, converter: operation.provider.pixelDataConverter)
                        }
                    }
                    if counts.remaining > 0 {
                        do { try await operation.respond(.pending, counts, final: false) } catch { throw RequestorLost(error: error) }
                    }
                }
                do { try await operation.finish(counts) } catch { throw RequestorLost(error: error) }
            }
        } catch let lost as RequestorLost {
            throw lost.error
        } catch {
            log.warning("C-MOVE to \(destination.aeTitle) at \(destination.host):\(destination.port): \(error)")
            return try await respondFailure(.refusedOutOfResourcesSubOperations,
                                            "cannot reach move destination \(destination.aeTitle): \(error)")
        }
    }

    private func getBack(_ instances: [RetrievableInstance]) async throws {
        var counts = Counts(remaining: instances.count)
        for instance in instances {
            if context.isCancelled { break }
            await sendOne(instance, counts: &counts) { instance in
                try await instance.withFile { path in
                    try await InstanceSender.send(path: path, on: association, rewrite: instance.rewrite,
                                                  converter: provider.pixelDataConverter)
                }
            }
            if counts.remaining > 0 { try await respond(.pending, counts, final: false) }
        }
        try await finish(counts)
    }

    /// One sub-operation; a failure to send counts as failed, it does not end the retrieve.
    private func sendOne(_ instance: RetrievableInstance, counts: inout Counts,
                         _ send: (RetrievableInstance) async throws -> DIMSEServiceResult) async {
        counts.remaining -= 1
        do {
            let result = try await send(instance)
            switch result.status.category {
            case .success: counts.completed += 1
            case .warning: counts.warning += 1
            case .failure, .cancel, .pending:
                counts.failed += 1
                counts.failedInstances.append(instance.sopInstanceUID)
            }
        } catch {
            counts.failed += 1
            counts.failedInstances.append(instance.sopInstanceUID)
            log.warning("\(kind) sub-operation for one instance failed: \(error)")
        }
    }

    private func finish(_ counts: Counts) async throws {
        if context.isCancelled {
            return try await respond(.cancel, counts, final: true)
        }
        // PS3.4 C.4.2.2.1, C.4.3.2.1: Success when every sub-operation succeeded, Failure when all
        // failed, Warning (B000) otherwise, and with any warning.
        let status: DIMSEStatus = counts.failed + counts.warning == 0 ? .success
            : counts.completed + counts.warning == 0 && counts.failed > 0 ? .refusedOutOfResourcesSubOperations
            : .warningSubOperationsCompleteOneOrMoreFailures
        try await respond(status, counts, final: true)
    }

    private func respond(_ status: DIMSEStatus, _ counts: Counts, final: Bool) async throws {
        // A final response with failures lists them in Failed SOP Instance UID List (PS3.4 C.4.2.1.5).
        var identifier: OutgoingDataSet?
        if final, !counts.failedInstances.isEmpty {
            var list = DataSet()
            list.insert(.uid(Tag(0x0008, 0x0058), counts.failedInstances.joined(separator: "\\")))
            identifier = .bytes(ByteBuffer(bytes: try list.encoded(in: TransferSyntax(uid: message.context.transferSyntax))))
        }
        let response = DIMSECommand.retrieveResponse(
            to: command, status: status,
            remaining: final && status != .cancel ? nil : UInt16(counts.remaining),
            completed: UInt16(counts.completed), failed: UInt16(counts.failed), warning: UInt16(counts.warning),
            hasIdentifier: identifier != nil)
        try await association.send(response, contextID: message.context.id, dataSet: identifier)
    }

    private func respondFailure(_ status: DIMSEStatus, _ comment: String) async throws {
        let response = DIMSECommand.retrieveResponse(to: command, status: status, remaining: nil, completed: 0, failed: 0,
                                                     warning: 0, errorComment: comment)
        try await association.send(response, contextID: message.context.id)
    }
}

/// The C-MOVE requestor's association failed, as opposed to the one to the destination.
private struct RequestorLost: Error {
    let error: any Error
}
