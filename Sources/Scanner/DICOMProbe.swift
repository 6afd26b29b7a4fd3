import DICOM
import DICOMNetwork
import NIOCore

/// Does the port speak DICOM to a stranger? An A-ASSOCIATE-RQ from an unregistered calling AE
/// to well-known called AEs; on acceptance C-ECHO, a universal C-FIND at PATIENT (Patient Root)
/// and STUDY (Study Root) level whose answers are counted, never kept, and whether a Storage
/// context is accepted (no object is sent). When every AE is refused, once more with a made-up
/// user identity (PS3.7 D.3.3.7): acceptance then means the identity is not checked.
struct DICOMProbe: Sendable {
    let context: ProbeContext

    static let patientRootFind = "1.2.840.10008.5.1.4.1.2.1.1"
    static let studyRootFind = "1.2.840.10008.5.1.4.1.2.2.1"
    static let ctImageStorage = "1.2.840.10008.5.1.4.1.1.2"
    static let patientKeys = ["PatientName", "PatientID", "PatientBirthDate", "PatientSex", "OtherPatientIDsSequence"]
    static let studyKeys = ["PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyInstanceUID", "StudyDate",
                            "AccessionNumber", "StudyDescription", "ReferringPhysicianName", "ModalitiesInStudy"]
    static let syntaxes = [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid]

    enum Attempt: Sendable {
        case accepted(AssociationInspection)
        case rejected(AssociateRJ)
        /// No DICOM answer: another protocol, a timeout, a closed connection.
        case noAnswer(String)
    }

    /// The findings, or nil when the port does not answer an association request in DICOM
    /// (over TLS, `DICOMTLSClientConfiguration.inspecting`, when `tls`).
    func run(_ endpoint: ScanEndpoint, tls: Bool = false) async -> [Finding]? {
        let target = endpoint.description
        var rejections: [(String, AssociateRJ)] = []
        var accepted: AssociationInspection?
        for calledAE in context.options.calledAETitles {
            switch await attempt(endpoint, calledAE: calledAE, identity: nil, tls: tls) {
            case let .accepted(inspection):
                accepted = inspection
            case let .rejected(rj):
                rejections.append((calledAE, rj))
                continue
            case .noAnswer:
                if rejections.isEmpty { return nil }
            }
            break
        }
        var findings = tls ? [] : [Finding(.dicomCleartext, target: target, evidence: "answered an A-ASSOCIATE-RQ over plain TCP",
                                           severity: endpoint.isLoopback ? .info : nil)]
        if let accepted {
            findings.append(Finding(.dicomAnyAEAccepted, target: target,
                                    evidence: "called AE '\(accepted.calledAETitle)' accepted calling AE '\(context.options.callingAETitle)' (not registered anywhere), no user identity"))
            findings += Self.findings(accepted, target: target, how: "without authentication")
            return findings
        }
        // A refusal that is not about the called AE may be a demand for credentials.
        if let calledAE = rejections.first(where: { $0.1.source != .serviceUser(.calledAETitleNotRecognized) })?.0 {
            let madeUp = UserIdentityRQ(kind: .usernameAndPasscode, positiveResponseRequested: true,
                                        primaryField: Array("rampart-scan".utf8), secondaryField: Array("not-a-password-\(UInt32.random(in: 0...UInt32.max))".utf8))
            if case let .accepted(inspection) = await attempt(endpoint, calledAE: calledAE, identity: madeUp, tls: tls) {
                findings.append(Finding(.dicomIdentityNotVerified, target: target,
                                        evidence: "refused without a user identity, accepted called AE '\(calledAE)' with a made-up user name and passcode"))
                findings += Self.findings(inspection, target: target, how: "with a made-up user identity")
                return findings
            }
        }
        let reasons = Set(rejections.map { Self.reason($0.1) }).sorted().joined(separator: "; ")
        findings.append(Finding(.dicomAssociationRefused, target: target,
                                evidence: "\(rejections.count) called AE title\(rejections.count == 1 ? "" : "s") tried, every one refused: \(reasons)"))
        return findings
    }

    private static func findings(_ inspection: AssociationInspection, target: String, how: String) -> [Finding] {
        var findings: [Finding] = []
        if inspection.echoAnswered {
            findings.append(Finding(.dicomEchoUnauthenticated, target: target, evidence: "C-ECHO answered with success \(how)"))
        }
        if let query = inspection.patientQuery, query.answered {
            findings.append(Finding(.dicomPatientQueryUnauthenticated, target: target,
                                    evidence: "Patient Root C-FIND at PATIENT level \(how): \(query.summary)", severity: query.answers > 0 ? .critical : .high))
        }
        if let query = inspection.studyQuery, query.answered {
            findings.append(Finding(.dicomStudyQueryUnauthenticated, target: target,
                                    evidence: "Study Root C-FIND at STUDY level \(how): \(query.summary)", severity: query.answers > 0 ? .critical : .high))
        }
        if let stored = inspection.testObjectStored {
            findings.append(Finding(.dicomStorageUnauthenticated, target: target,
                                    evidence: "stored a synthetic test object \(how) (C-STORE answered success): delete it, patient ID "
                                        + "\(ScanTestObject.patientID), SOP Instance UID \(stored)"))
        } else if inspection.storageAccepted {
            findings.append(Finding(.dicomStorageUnauthenticated, target: target,
                                    evidence: "a CT Image Storage presentation context was accepted \(how) (no object sent)"))
        }
        if let name = inspection.implementationVersionName, let software = DetectedSoftware.dcmtk(implementationVersionName: name) {
            findings += KnownVulnerability.findings(software, target: target)
        }
        return findings
    }

    private static func reason(_ rj: AssociateRJ) -> String {
        switch rj.source {
        case let .serviceUser(reason):
            switch reason {
            case .noReasonGiven: "no reason given"
            case .applicationContextNameNotSupported: "application context not supported"
            case .callingAETitleNotRecognized: "calling AE not recognized"
            case .calledAETitleNotRecognized: "called AE not recognized"
            }
        case .serviceProviderACSE: "refused by the ACSE provider"
        case .serviceProviderPresentation: "refused for congestion or a local limit"
        }
    }

    func attempt(_ endpoint: ScanEndpoint, calledAE: String, identity: UserIdentityRQ?, tls: Bool) async -> Attempt {
        let options = context.options
        guard let calling = try? AETitle(options.callingAETitle), let called = try? AETitle(calledAE) else {
            return .noAnswer("not a valid AE title")
        }
        var proposal = AssociationProposal(callingAETitle: calling, calledAETitle: called, contexts: [
            .init(abstractSyntax: WellKnownSOPClass.verification, transferSyntaxes: Self.syntaxes),
            .init(abstractSyntax: Self.patientRootFind, transferSyntaxes: Self.syntaxes),
            .init(abstractSyntax: Self.studyRootFind, transferSyntaxes: Self.syntaxes),
            .init(abstractSyntax: Self.ctImageStorage, transferSyntaxes: Self.syntaxes),
        ])
        proposal.userIdentity = identity
        let seconds = Int64(options.readTimeout.nanoseconds / 1_000_000_000)
        let client = DICOMClient(host: endpoint.host, port: endpoint.port, tls: tls ? .inspecting : nil, artimTimeout: options.readTimeout,
                                 connectTimeout: options.connectTimeout,
                                 options: AssociationOptions(responseTimeout: .seconds(max(seconds, 1))))
        let inspection = InspectionBox(AssociationInspection(calledAETitle: calledAE))
        let maximum = options.maximumQueryAnswers
        await context.pacer.waitTurn()
        do {
            try await client.withAssociation(proposal, group: context.group) { association in
                inspection.update {
                    $0.storageAccepted = association.negotiated.context(forAbstractSyntax: Self.ctImageStorage) != nil
                    $0.implementationVersionName = association.negotiated.acceptorImplementationVersionName
                }
                if let echo = association.negotiated.context(forAbstractSyntax: WellKnownSOPClass.verification) {
                    let response = try await association.requestSingle(.echoRequest(messageID: association.nextMessageID()), contextID: echo.id)
                    inspection.update { $0.echoAnswered = response.command.status == .success }
                }
                if association.negotiated.context(forAbstractSyntax: Self.patientRootFind) != nil {
                    try await Self.query(association, sopClass: Self.patientRootFind, level: "PATIENT", keys: Self.patientKeys, maximum: maximum) { exposure in
                        inspection.update { $0.patientQuery = exposure }
                    }
                }
                if association.negotiated.context(forAbstractSyntax: Self.studyRootFind) != nil {
                    try await Self.query(association, sopClass: Self.studyRootFind, level: "STUDY", keys: Self.studyKeys, maximum: maximum) { exposure in
                        inspection.update { $0.studyQuery = exposure }
                    }
                }
                if options.intrusive, let storage = association.negotiated.context(forAbstractSyntax: Self.ctImageStorage) {
                    let object = ScanTestObject(sopClassUID: Self.ctImageStorage)
                    let syntax = storage.transferSyntax == TransferSyntax.implicitVRLittleEndian.uid ? TransferSyntax.implicitVRLittleEndian : .explicitVRLittleEndian
                    let response = try await association.requestSingle(
                        .storeRequest(messageID: association.nextMessageID(), sopClassUID: object.sopClassUID, sopInstanceUID: object.sopInstanceUID),
                        contextID: storage.id, dataSet: .bytes(ByteBuffer(bytes: try object.dataSet.encoded(in: syntax))))
                    if let status = response.command.status, status.category == .success || status.category == .warning {
                        inspection.update { $0.testObjectStored = object.sopInstanceUID }
                    }
                }
            }
        } catch AssociationError.rejected(let rj) {
            return .rejected(rj)
        } catch {
            // What the association allowed before it ended still counts; a peer that never
            // accepted is not DICOM (or not answering).
            guard inspection.accepted else { return .noAnswer("\(error)") }
        }
        return .accepted(inspection.value)
    }

    /// A universal C-FIND: counts the answers and notes which return keys held a value, and
    /// reports progress after each answer so that a count survives an aborted association.
    /// Stops (by aborting) after `maximum` answers.
    private static func query(_ association: Association, sopClass: String, level: String, keys: [String], maximum: Int,
                              record: (QueryExposure) -> Void) async throws {
        guard let context = association.negotiated.context(forAbstractSyntax: sopClass) else { return }
        var identifier = DataSet()
        identifier.insert(.text(Tag(0x0008, 0x0052), .CS, [level]))
        var tags: [(Tag, String)] = []
        for keyword in keys {
            guard let tag = DataDictionary.tag(forKeyword: keyword), let entry = DataDictionary.entry(for: tag) else { continue }
            tags.append((tag, keyword))
            switch entry.vr {
            case .SQ: identifier.insert(DataElement(tag: tag, items: []))
            default: identifier.insert(DataElement(tag: tag, vr: entry.vr, bytes: []))
            }
        }
        let syntax = context.transferSyntax == TransferSyntax.implicitVRLittleEndian.uid ? TransferSyntax.implicitVRLittleEndian : .explicitVRLittleEndian
        let bytes = ByteBuffer(bytes: try identifier.encoded(in: syntax))
        var exposure = QueryExposure()
        record(exposure)
        for try await response in try await association.request(.findRequest(messageID: association.nextMessageID(), sopClassUID: sopClass),
                                                                 contextID: context.id, dataSet: .bytes(bytes)) {
            guard let status = response.command.status else { continue }
            guard status.category == .pending else {
                exposure.finalStatus = status.rawValue
                record(exposure)
                return
            }
            exposure.answers += 1
            if let answer = try? response.decodedDataSet() {
                for (tag, keyword) in tags where answer[tag].map(Self.holdsValue) == true {
                    exposure.exposedFields.insert(keyword)
                }
            }
            if exposure.answers >= maximum {
                exposure.truncated = true
                record(exposure)
                throw QueryCountReached()
            }
            record(exposure)
        }
    }

    /// Whether an element has a value other than padding: the only thing looked at in it.
    static func holdsValue(_ element: DataElement) -> Bool {
        if let items = element.items { return !items.isEmpty }
        return element.inlineBytes?.contains { $0 != 0x20 && $0 != 0x00 } ?? false
    }
}
