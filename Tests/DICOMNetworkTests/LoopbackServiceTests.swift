import DICOM
import DICOMNetwork
import NIOCore
import NIOPosix
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
import Logs
#endif

private typealias Tag = DICOM.Tag

/// Rampart's SCU against Rampart's SCP over loopback TCP: every layer, no peer but ourselves.
/// The interop tests do the same against DCMTK and pynetdicom.
@Suite("SCU and SCP over loopback")
struct LoopbackServiceTests {
    static let ctImageStorage = "1.2.840.10008.5.1.4.1.1.2"

    /// Keeps what it is sent; answers C-FIND with one fixed match per query.
    final class RecordingProvider: DICOMServiceProvider {
        let received = Mutex<[(uid: String, bytes: Int, spooled: Bool, syntax: String)]>([])
        /// AE titles whose address a storage commitment report looked up.
        let reportLookups = Mutex<[String]>([])
        let rejectAll: Bool
        let silentEcho: Bool
        let refuseCommitment: Bool

        init(rejectAll: Bool = false, silentEcho: Bool = false, refuseCommitment: Bool = false) {
            self.rejectAll = rejectAll
            self.silentEcho = silentEcho
            self.refuseCommitment = refuseCommitment
        }

        func associationRequested(_ request: AssociateRQ, peer: AssociationPeer) async -> AssociationDecision {
            if rejectAll {
                return .reject(AssociateRJ(result: .rejectedPermanent, source: .serviceUser(.callingAETitleNotRecognized)), reason: "test")
            }
            let plain = [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid]
            return .accept(AcceptorConfiguration(aeTitle: try! AETitle("RAMPART"), abstractSyntaxes: [
                WellKnownSOPClass.verification: AbstractSyntaxSupport(transferSyntaxes: plain),
                LoopbackServiceTests.ctImageStorage: AbstractSyntaxSupport(transferSyntaxes: plain),
                "1.2.840.10008.5.1.4.1.2.2.1": AbstractSyntaxSupport(transferSyntaxes: plain),
                WellKnownSOPClass.storageCommitmentPushModel: AbstractSyntaxSupport(transferSyntaxes: plain),
            ]), userIdentityResponse: nil)
        }

        func echo(context: ServiceContext) async -> DIMSEStatus {
            if silentEcho { try? await Task.sleep(for: .seconds(60)) }
            return .success
        }

        func store(_ instance: ReceivedInstance, context: ServiceContext) async -> DIMSEServiceResult {
            var size = 0
            var spooled = false
            if case let .file(file) = instance.dataSet {
                size = file.length
                spooled = true
            }
            received.withLock { $0.append((instance.sopInstanceUID, size, spooled, instance.transferSyntax.uid)) }
            return .success
        }

        func find(_ query: ServiceQuery, context: ServiceContext) async throws(DIMSEServiceFailure) -> AsyncThrowingStream<DataSet, any Error> {
            var match = DataSet()
            match.insert(.text(Tag(0x0008, 0x0052), .CS, ["STUDY"]))
            match.insert(.text(Tag(0x0010, 0x0020), .LO, ["SYNTH-1"]))
            let (stream, continuation) = AsyncThrowingStream.makeStream(of: DataSet.self)
            continuation.yield(match)
            continuation.finish()
            return stream
        }

        func retrieve(_ query: ServiceQuery, context: ServiceContext) async throws(DIMSEServiceFailure) -> [RetrievableInstance] {
            throw DIMSEServiceFailure(.sopClassNotSupported, "no retrieve here")
        }

        func moveDestination(_ aeTitle: AETitle, context: ServiceContext) async -> MoveDestination? {
            reportLookups.withLock { $0.append(aeTitle.value) }
            return nil
        }

        /// Commits CT instances under 2.25.1; others of that root are a class conflict, the rest unknown.
        func commit(_ request: StorageCommitmentRequest, context: ServiceContext) async throws(DIMSEServiceFailure) -> StorageCommitmentResult {
            if refuseCommitment { throw DIMSEServiceFailure(.refusedNotAuthorized, "not authorized") }
            var result = StorageCommitmentResult(transactionUID: request.transactionUID, committed: [], failed: [])
            for reference in request.references {
                if !reference.sopInstanceUID.hasPrefix("2.25.1") {
                    result.failed.append(StorageCommitmentFailure(reference: reference, reason: .noSuchObjectInstance))
                } else if reference.sopClassUID != LoopbackServiceTests.ctImageStorage {
                    result.failed.append(StorageCommitmentFailure(reference: reference, reason: .classInstanceConflict))
                } else {
                    result.committed.append(reference)
                }
            }
            return result
        }
    }

    /// Runs a server on a free loopback port for the duration of `body`.
    private func withServer(_ provider: RecordingProvider, spool: String? = nil, log: Log = .discarding,
                            _ body: @Sendable (Int) async throws -> Void) async throws {
        let server = DICOMServer(configuration: DICOMServerConfiguration(port: 0, association: AssociationOptions(spoolDirectory: spool)),
                                 provider: provider, log: log)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run { continuation.yield($0.port ?? 0) } }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await body(port)
            group.cancelAll()
        }
    }

    private func proposal(_ sopClass: String) throws -> AssociationProposal {
        AssociationProposal(callingAETitle: try AETitle("TESTSCU"), calledAETitle: try AETitle("RAMPART"),
                            contexts: [.init(abstractSyntax: sopClass, transferSyntaxes: [TransferSyntax.explicitVRLittleEndian.uid])])
    }

    private func temporaryFolder() -> String {
        var template = Array("/tmp/rampart-loopback-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    /// Connections that arrive while the listening socket closes (a flood during a graceful
    /// stop) are closed; none is dropped unclosed, which would stop the process (NIO traps).
    @Test func connectionsArrivingAsTheServerStopsAcceptingAreClosedCleanly() async throws {
        let server = DICOMServer(configuration: DICOMServerConfiguration(port: 0), provider: RecordingProvider(), log: .discarding)
        let control = DICOMServerControl()
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run(control: control) { continuation.yield($0.port ?? 0) } }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            // 4 clients connecting and closing, 50 times each, while the server stops accepting.
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<50 {
                        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                        var address = sockaddr_in()
                        address.sin_family = sa_family_t(AF_INET)
                        address.sin_port = in_port_t(UInt16(port).bigEndian)
                        address.sin_addr.s_addr = inet_addr("127.0.0.1")
                        _ = withUnsafePointer(to: &address) {
                            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                        }
                        close(fd)
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(20))
            control.stopAccepting()
            try await group.waitForAll()
        }
    }

    @Test func echoSucceeds() async throws {
        try await withServer(RecordingProvider()) { port in
            let status = try await DICOMClient(host: "127.0.0.1", port: port).withAssociation(try proposal(WellKnownSOPClass.verification)) { association in
                let context = try #require(association.negotiated.context(forAbstractSyntax: WellKnownSOPClass.verification))
                return try await association.requestSingle(.echoRequest(messageID: association.nextMessageID()), contextID: context.id).command.status
            }
            #expect(status == .success)
        }
    }

    @Test func aSilentPeerFailsTheRequestWithATimeoutInsteadOfHanging() async throws {
        try await withServer(RecordingProvider(silentEcho: true)) { port in
            let client = DICOMClient(host: "127.0.0.1", port: port, options: AssociationOptions(responseTimeout: .milliseconds(300)))
            await #expect {
                try await client.withAssociation(try proposal(WellKnownSOPClass.verification)) { association in
                    let context = try #require(association.negotiated.context(forAbstractSyntax: WellKnownSOPClass.verification))
                    _ = try await association.requestSingle(.echoRequest(messageID: association.nextMessageID()), contextID: context.id)
                }
            } throws: { error in
                if case AssociationError.timedOut = error { true } else { false }
            }
        }
    }

    @Test func rejectionReachesTheSCUAsATypedError() async throws {
        try await withServer(RecordingProvider(rejectAll: true)) { port in
            await #expect(throws: AssociationError.rejected(AssociateRJ(result: .rejectedPermanent, source: .serviceUser(.callingAETitleNotRecognized)))) {
                try await DICOMClient(host: "127.0.0.1", port: port).withAssociation(try proposal(WellKnownSOPClass.verification)) { _ in }
            }
        }
    }

    @Test func aLargeStoreIsStreamedToASpoolFile() async throws {
        let folder = temporaryFolder()
        defer { _ = FileList.remove(folder) }
        let spool = folder + "/spool"
        mkdir(spool, 0o700)
        // 24 MiB of pixel data: many PDUs, one spooled file.
        var dataSet = DataSet()
        dataSet.insert(.uid(.sopClassUID, Self.ctImageStorage))
        dataSet.insert(.uid(.sopInstanceUID, "2.25.1234567"))
        dataSet.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OW, bytes: [UInt8](repeating: 0x5A, count: 24 << 20)))
        let path = folder + "/big.dcm"
        try DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).write(toPath: path)
        let provider = RecordingProvider()
        try await withServer(provider, spool: spool) { port in
            let result = try await DICOMClient(host: "127.0.0.1", port: port).withAssociation(try proposal(Self.ctImageStorage)) { association in
                try await InstanceSender.send(path: path, on: association)
            }
            #expect(result.status == .success)
        }
        let received = provider.received.withLock { $0 }
        #expect(received.count == 1)
        #expect(received.first?.uid == "2.25.1234567")
        #expect(received.first?.spooled == true)
        #expect((received.first?.bytes ?? 0) > 24 << 20)
    }

    @Test func aStoreIsReEncodedThroughTheSpoolWhenItsSyntaxIsNotAccepted() async throws {
        let folder = temporaryFolder()
        defer { _ = FileList.remove(folder) }
        let clientSpool = folder + "/client-spool"
        mkdir(clientSpool, 0o700)
        var dataSet = DataSet()
        dataSet.insert(.uid(.sopClassUID, Self.ctImageStorage))
        dataSet.insert(.uid(.sopInstanceUID, "2.25.7654321"))
        dataSet.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OW, bytes: [UInt8](repeating: 0x3C, count: 1 << 20)))
        let path = folder + "/explicit.dcm"
        try DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).write(toPath: path)
        let provider = RecordingProvider()
        let implicitOnly = AssociationProposal(
            callingAETitle: try AETitle("TESTSCU"), calledAETitle: try AETitle("RAMPART"),
            contexts: [.init(abstractSyntax: Self.ctImageStorage, transferSyntaxes: [TransferSyntax.implicitVRLittleEndian.uid])])
        let client = DICOMClient(host: "127.0.0.1", port: 0, options: AssociationOptions(spoolDirectory: clientSpool))
        try await withServer(provider, spool: folder) { port in
            var client = client
            client.port = port
            let result = try await client.withAssociation(implicitOnly) { association in
                try await InstanceSender.send(path: path, on: association)
            }
            #expect(result.status == .success)
        }
        let received = provider.received.withLock { $0 }
        #expect(received.map(\.uid) == ["2.25.7654321"])
        #expect(received.first?.syntax == TransferSyntax.implicitVRLittleEndian.uid)
        #expect((received.first?.bytes ?? 0) > 1 << 20)
        // The re-encoded copy went through the spool folder and is gone.
        #expect(FileTree.regularFiles(under: [clientSpool]).isEmpty)
    }

    @Test func findReturnsPendingMatchesThenSuccess() async throws {
        try await withServer(RecordingProvider()) { port in
            let sopClass = "1.2.840.10008.5.1.4.1.2.2.1"
            let statuses = try await DICOMClient(host: "127.0.0.1", port: port).withAssociation(try proposal(sopClass)) { association in
                let context = try #require(association.negotiated.context(forAbstractSyntax: sopClass))
                var identifier = DataSet()
                identifier.insert(.text(Tag(0x0008, 0x0052), .CS, ["STUDY"]))
                let bytes = ByteBuffer(bytes: try identifier.encoded(in: .explicitVRLittleEndian))
                var statuses: [DIMSEStatus] = []
                for try await response in try await association.request(.findRequest(messageID: association.nextMessageID(), sopClassUID: sopClass),
                                                                        contextID: context.id, dataSet: .bytes(bytes)) {
                    statuses.append(response.command.status ?? .processingFailure)
                    if response.command.status == .pending {
                        #expect(try response.decodedDataSet()?.string(Tag(0x0010, 0x0020)) == "SYNTH-1")
                    }
                }
                return statuses
            }
            #expect(statuses == [.pending, .success])
        }
    }

    // MARK: Storage commitment (PS3.4 J.3)

    static let commitmentRequest = StorageCommitmentRequest(transactionUID: "2.25.77", references: [
        SOPReference(sopClassUID: ctImageStorage, sopInstanceUID: "2.25.101"),
        SOPReference(sopClassUID: ctImageStorage, sopInstanceUID: "2.25.999"),
        SOPReference(sopClassUID: "1.2.840.10008.5.1.4.1.1.4", sopInstanceUID: "2.25.102"),
    ])

    /// Sends the N-ACTION-RQ and returns its response.
    private func requestCommitment(on association: Association, actionTypeID: UInt16 = 1,
                                   information: DataSet = LoopbackServiceTests.commitmentRequest.actionInformation) async throws -> DIMSECommand {
        let sopClass = WellKnownSOPClass.storageCommitmentPushModel
        let context = try #require(association.negotiated.context(forAbstractSyntax: sopClass))
        let action = DIMSECommand.actionRequest(messageID: association.nextMessageID(), sopClassUID: sopClass,
                                                sopInstanceUID: WellKnownSOPClass.storageCommitmentPushModelInstance, actionTypeID: actionTypeID)
        let bytes = ByteBuffer(bytes: try information.encoded(in: TransferSyntax(uid: context.transferSyntax)))
        return try await association.requestSingle(action, contextID: context.id, dataSet: .bytes(bytes)).command
    }

    /// The first request the SCP sends on `association`, waited for at most ten seconds.
    private func firstIncomingRequest(on association: Association) async throws -> DIMSEMessage? {
        try await withThrowingTaskGroup(of: DIMSEMessage?.self) { group in
            group.addTask {
                for await incoming in association.incoming {
                    if case let .request(message) = incoming { return message }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    @Test func commitmentIsReportedOnTheSameAssociationWhileItIsOpen() async throws {
        try await withServer(RecordingProvider()) { port in
            let proposal = try proposal(WellKnownSOPClass.storageCommitmentPushModel)
            let (response, report) = try await DICOMClient(host: "127.0.0.1", port: port).withAssociation(proposal) { association in
                let response = try await requestCommitment(on: association)
                let report = try #require(try await firstIncomingRequest(on: association))
                try await association.send(.eventReportResponse(to: report.command, status: .success), contextID: report.context.id)
                return (response, report)
            }
            #expect(response.commandField == .nActionRSP)
            #expect(response.status == .success)
            #expect(response.affectedSOPInstanceUID == WellKnownSOPClass.storageCommitmentPushModelInstance)
            #expect(report.command.commandField == .nEventReportRQ)
            #expect(report.command.affectedSOPClassUID == WellKnownSOPClass.storageCommitmentPushModel)
            #expect(report.command.affectedSOPInstanceUID == WellKnownSOPClass.storageCommitmentPushModelInstance)
            #expect(report.command.eventTypeID == 2)
            let result = try StorageCommitmentResult(eventInformation: try #require(try report.decodedDataSet()))
            let references = Self.commitmentRequest.references
            #expect(result == StorageCommitmentResult(transactionUID: "2.25.77", committed: [references[0]], failed: [
                StorageCommitmentFailure(reference: references[1], reason: .noSuchObjectInstance),
                StorageCommitmentFailure(reference: references[2], reason: .classInstanceConflict),
            ]))
        }
    }

    @Test func aRequestorThatReleasesIsLookedUpForANewAssociation() async throws {
        let provider = RecordingProvider()
        let lines = Mutex<[String]>([])
        try await withServer(provider, log: Log { record in lines.withLock { $0.append(record.message) } }) { port in
            let proposal = try proposal(WellKnownSOPClass.storageCommitmentPushModel)
            let status = try await DICOMClient(host: "127.0.0.1", port: port).withAssociation(proposal) { association in
                try await requestCommitment(on: association).status
            }
            #expect(status == .success)
            // The release is answered only after the SCP has given up this association for the
            // report and looked up where the requestor is (nowhere, for this provider).
            #expect(provider.reportLookups.withLock { $0 } == ["TESTSCU"])
        }
        // Given up because of the release itself, not after the report's response timeout.
        let log = lines.withLock { $0 }
        #expect(log.contains { $0.contains("sending it on a new association") })
        #expect(!log.contains { $0.contains("timed out") })
    }

    @Test func badCommitmentRequestsAreAnsweredWithAStatusAndNoReport() async throws {
        var noTransaction = Self.commitmentRequest.actionInformation
        noTransaction.remove(Tag(0x0008, 0x1195))
        let cases: [(RecordingProvider, UInt16, DataSet, DIMSEStatus)] = [
            (RecordingProvider(), 2, Self.commitmentRequest.actionInformation, .noSuchActionType),
            (RecordingProvider(), 1, noTransaction, .missingAttribute),
            (RecordingProvider(refuseCommitment: true), 1, Self.commitmentRequest.actionInformation, .refusedNotAuthorized),
        ]
        for (provider, actionTypeID, information, expected) in cases {
            try await withServer(provider) { port in
                let proposal = try proposal(WellKnownSOPClass.storageCommitmentPushModel)
                let status = try await DICOMClient(host: "127.0.0.1", port: port).withAssociation(proposal) { association in
                    try await requestCommitment(on: association, actionTypeID: actionTypeID, information: information).status
                }
                #expect(status == expected)
                #expect(provider.reportLookups.withLock { $0 }.isEmpty)
            }
        }
    }
}

enum FileList {
    /// Removes a folder tree; test cleanup only.
    static func remove(_ path: String) -> Int32 {
        var info = stat()
        guard lstat(path, &info) == 0 else { return -1 }
        if (info.st_mode & S_IFMT) == S_IFDIR, let directory = opendir(path) {
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(directory)
            for name in names { _ = remove(path + "/" + name) }
            return rmdir(path)
        }
        return unlink(path)
    }
}
