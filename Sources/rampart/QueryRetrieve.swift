import ArgumentParser
import DICOM
import DICOMNetwork
import Deidentify
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The query of `find`, `move` and `get`: level, information model and keys.
struct QueryOptions: ParsableArguments {
    @Option(help: "PATIENT, STUDY, SERIES or IMAGE.")
    var level: String = "STUDY"

    @Option(help: "Information model: study (Study Root) or patient (Patient Root).")
    var model: String = "study"

    @Option(name: .short, help: "A key: Keyword=Value to match, or Keyword alone to return. Repeatable.")
    var key: [String] = []

    func validate() throws {
        guard ["PATIENT", "STUDY", "SERIES", "IMAGE"].contains(level.uppercased()) else {
            throw ValidationError("--level must be PATIENT, STUDY, SERIES or IMAGE")
        }
        guard ["study", "patient"].contains(model.lowercased()) else {
            throw ValidationError("--model must be study or patient")
        }
        if model.lowercased() == "study", level.uppercased() == "PATIENT" {
            throw ValidationError("the Study Root model has no PATIENT level: use --model patient")
        }
    }

    /// FIND, MOVE and GET SOP classes of the chosen model (PS3.4 C.6).
    var sopClasses: (find: String, move: String, get: String) {
        model.lowercased() == "patient"
            ? ("1.2.840.10008.5.1.4.1.2.1.1", "1.2.840.10008.5.1.4.1.2.1.2", "1.2.840.10008.5.1.4.1.2.1.3")
            : ("1.2.840.10008.5.1.4.1.2.2.1", "1.2.840.10008.5.1.4.1.2.2.2", "1.2.840.10008.5.1.4.1.2.2.3")
    }

    func identifier() throws -> DataSet {
        var identifier = DataSet()
        identifier.insert(.text(Tag(0x0008, 0x0052), .CS, [level.uppercased()]))  // QueryRetrieveLevel
        for key in key {
            let parts = key.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let keyword = String(parts[0])
            guard let tag = DataDictionary.tag(forKeyword: keyword), let entry = DataDictionary.entry(for: tag) else {
                throw ValidationError("-k \(key): \(keyword) is not a DICOM keyword")
            }
            let value = parts.count > 1 ? String(parts[1]) : ""
            if entry.vr == .SQ {
                identifier.insert(DataElement(tag: tag, items: []))
            } else if entry.vr == .UI {
                identifier.insert(value.isEmpty ? DataElement(tag: tag, vr: .UI, bytes: []) : .uid(tag, value))
            } else {
                identifier.insert(.text(tag, entry.vr, value.isEmpty ? [] : [value]))
            }
        }
        return identifier
    }
}

struct Find: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "Query a peer with C-FIND; print the matches as a DICOM JSON array.")

    @OptionGroup var network: NetworkOptions
    @OptionGroup var query: QueryOptions

    func run() async throws {
        let sopClass = query.sopClasses.find
        let identifier = try query.identifier()
        let proposal = try network.proposal([.init(abstractSyntax: sopClass, transferSyntaxes: uncompressedSyntaxes)])
        do {
            let (matches, final) = try await network.client.withAssociation(proposal) { association in
                var matches: [DataSet] = []
                let final = try await association.queryRetrieve(service: "C-FIND", sopClass: sopClass, identifier: identifier,
                                                                 request: { .findRequest(messageID: $0, sopClassUID: sopClass) }) { response in
                    if let match = try response.decodedDataSet() { matches.append(match) }
                }
                return (matches, final)
            }
            let status = final?.status ?? .processingFailure
            let comment = final?.errorComment
            var out = standardOutput()
            try DICOMJSONWriter().write(matches, to: &out)
            try out.write([0x0A])
            try out.flush()
            guard status == .success else {
                standardError("rampart: C-FIND ended with status \(status)\(comment.map { ": \($0)" } ?? "")")
                throw ExitCode(1)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw reportNetworkFailure(error)
        }
    }
}

/// The counts of a C-MOVE or C-GET's last response.
struct RetrieveOutcome: Sendable {
    var status: DIMSEStatus
    var completed = 0, failed = 0, warning = 0
    var comment: String?

    init(_ command: DIMSECommand?) {
        status = command?.status ?? .processingFailure
        completed = Int(command?.completedSubOperations ?? 0)
        failed = Int(command?.failedSubOperations ?? 0)
        warning = Int(command?.warningSubOperations ?? 0)
        comment = command?.errorComment
    }

    var total: Int { completed + failed + warning }

    func report(_ verb: String) throws {
        print("\(verb) \(completed) of \(total) instances (\(failed) failed, \(warning) with warnings)")
        if status.category == .failure || status.category == .cancel {
            standardError("rampart: ended with status \(status)\(comment.map { ": \($0)" } ?? "")")
        }
        if failed > 0 || status.category == .failure || status.category == .cancel { throw ExitCode(1) }
    }
}

struct Move: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move",
        abstract: "Ask a peer to send matching instances to a destination AE with C-MOVE.")

    @OptionGroup var network: NetworkOptions
    @OptionGroup var query: QueryOptions

    @Option(help: "The AE title the peer sends to (it must know its address).")
    var destination: String

    func run() async throws {
        let sopClass = query.sopClasses.move
        let identifier = try query.identifier()
        let destinationAE = try AETitle(destination)
        let proposal = try network.proposal([.init(abstractSyntax: sopClass, transferSyntaxes: uncompressedSyntaxes)])
        do {
            let outcome = try await network.client.withAssociation(proposal) { association in
                let final = try await association.queryRetrieve(service: "C-MOVE", sopClass: sopClass, identifier: identifier,
                                                                 request: { .moveRequest(messageID: $0, sopClassUID: sopClass, destination: destinationAE) }) { response in
                    let c = response.command
                    standardError("moving: \(c.completedSubOperations ?? 0) done, \(c.remainingSubOperations ?? 0) to go")
                }
                return RetrieveOutcome(final)
            }
            try outcome.report("moved")
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw reportNetworkFailure(error)
        }
    }
}

struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Retrieve matching instances over the same association with C-GET, into a folder.",
        discussion: """
            With --deidentify it is an export for research or teaching: each instance, as the server's view \
            for the signed-in user shows it, is de-identified by the PS3.15 profile (--options, the project's \
            --key-file, as rampart deidentify) before it is written, under its new SOP Instance UID; the \
            original is never written. An instance the profile refuses (burned-in annotation) fails its \
            sub-operation and is not written.
            """)

    @OptionGroup var network: NetworkOptions
    @OptionGroup var query: QueryOptions

    @Option(help: "Folder the instances are written to, as <SOPInstanceUID>.dcm.")
    var output: String

    @Flag(help: "De-identify each instance before writing it (with --key-file, and --options).")
    var deidentify = false

    @Option(name: .customLong("options"), help: "With --deidentify: comma-separated profile options, as rampart deidentify takes them.")
    var deidentificationOptions = ""

    @Option(name: .customLong("key-file"), help: "With --deidentify: the project key file (rampart deidentify --new-key makes one).")
    var keyFile: String?

    @Option(help: "With --deidentify: append each copy's original identifiers, encrypted, to this re-identification lookup file.")
    var lookup: String?

    func validate() throws {
        if deidentify, keyFile == nil { throw ValidationError("--deidentify needs the project's --key-file") }
        if !deidentify, keyFile != nil || lookup != nil || !deidentificationOptions.isEmpty {
            throw ValidationError("--options, --key-file and --lookup go with --deidentify")
        }
    }

    func run() async throws {
        var export: GetReceiver.Export?
        if deidentify, let keyFile {
            do {
                let key = try ProjectKeyFile.read(keyFile)
                export = GetReceiver.Export(
                    deidentifier: try Deidentifier(key: key, options: DeidentificationOption.parseList(deidentificationOptions)),
                    lookup: try lookup.map { try LookupFileWriter(path: $0, key: key) })
            } catch {
                standardError("rampart: \(oneLine(error))")
                throw ExitCode(2)
            }
        }
        let sopClass = query.sopClasses.get
        let identifier = try query.identifier()
        // C-GET needs storage contexts on which we act as SCP (PS3.4 C.4.3.1, PS3.7 D.3.3.4).
        let storageSyntaxes = uncompressedSyntaxes + TransferSyntax.known.filter { $0.isEncapsulated }.map(\.uid)
        var contexts: [AssociationProposal.Context] = [.init(abstractSyntax: sopClass, transferSyntaxes: uncompressedSyntaxes)]
        contexts += WellKnownSOPClass.commonStorage.map { .init(abstractSyntax: $0, transferSyntaxes: storageSyntaxes) }
        var proposal = try network.proposal(contexts)
        proposal.roleSelections = WellKnownSOPClass.commonStorage.map { RoleSelection(sopClassUID: $0, scuRole: false, scpRole: true) }
        var client = network.client
        client.options.spoolDirectory = output
        let output = self.output
        do {
            let outcome = try await client.withAssociation(proposal) { [export] association in
                let receiver = Task { await GetReceiver(association: association, folder: output, export: export).run() }
                defer { receiver.cancel() }
                let final = try await association.queryRetrieve(service: "C-GET", sopClass: sopClass, identifier: identifier,
                                                                 request: { .getRequest(messageID: $0, sopClassUID: sopClass) }) { _ in }
                return RetrieveOutcome(final)
            }
            try export?.lookup?.synchronize()
            try outcome.report(export == nil ? "retrieved" : "retrieved and de-identified")
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw reportNetworkFailure(error)
        }
    }
}

/// Answers the C-STORE sub-operations of a C-GET: keeps each spooled file as <SOPInstanceUID>.dcm,
/// or with `export` writes its de-identified copy instead (and never the original).
struct GetReceiver {
    /// A de-identified export: the profile, and where the originals' identifiers go, sealed.
    struct Export: Sendable {
        let deidentifier: Deidentifier
        let lookup: LookupFileWriter?
    }

    let association: Association
    let folder: String
    var export: Export?

    func run() async {
        for await incoming in association.incoming {
            guard case let .request(message) = incoming, message.command.commandField == .cStoreRQ else { continue }
            var status = DIMSEStatus.success
            var comment: String?
            if case let .file(spooled)? = message.dataSet, let export {
                let copy = DeidentifiedFile(spooled.path, by: export.deidentifier, into: folder)
                spooled.remove()
                if let failure = copy.failure {
                    status = .errorCannotUnderstand
                    comment = "not de-identified: \(failure)"
                } else if let record = copy.record, let lookup = export.lookup {
                    do {
                        try lookup.append(record)
                    } catch {
                        status = .refusedOutOfResources
                        comment = "\(error)"
                    }
                }
            } else if case let .file(spooled)? = message.dataSet {
                do {
                    // The file is named after the UID: only a valid one may name it.
                    let uid = try ValidatedUID(spooled.sopInstanceUID)
                    if rename(spooled.path, folder + "/" + uid.value + ".dcm") != 0 {
                        status = .refusedOutOfResources
                        comment = "cannot write into \(folder)"
                        spooled.remove()
                    }
                } catch {
                    spooled.remove()
                    status = .errorCannotUnderstand
                    comment = "\(error)"
                }
            } else {
                status = .errorCannotUnderstand
                comment = "no data set"
            }
            try? await association.send(.storeResponse(to: message.command, status: status, errorComment: comment),
                                        contextID: message.context.id)
        }
    }
}

extension Association {
    /// Sends a C-FIND, C-MOVE or C-GET request with its identifier on the context accepted for
    /// `sopClass`, hands each pending response to `pending`, and returns the final response.
    func queryRetrieve(service: String, sopClass: String, identifier: DataSet, request: (UInt16) -> DIMSECommand,
                       pending: (DIMSEMessage) throws -> Void) async throws -> DIMSECommand? {
        guard let context = negotiated.context(forAbstractSyntax: sopClass) else {
            throw AssociationError.protocolViolation("the peer did not accept \(service) for this information model")
        }
        let bytes = ByteBuffer(bytes: try identifier.encoded(in: TransferSyntax(uid: context.transferSyntax)))
        var final: DIMSECommand?
        for try await response in try await self.request(request(nextMessageID()), contextID: context.id, dataSet: .bytes(bytes)) {
            if response.command.status?.category == .pending {
                try pending(response)
            } else {
                final = response.command
            }
        }
        return final
    }
}
