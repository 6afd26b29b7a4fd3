import Foundation

/// An `AuditEvent` as a DICOM Audit Message (PS3.15 A.5): one `<AuditMessage>` document on one
/// line (it becomes a syslog MSG), valid against the schema of A.5.1 (docs/audit/audit-message.rnc),
/// with the event action, participants and objects that the event's table in A.5.3 asks for.
///
/// Where A.5 has no field for something the event knows, this is where it goes:
/// - the actor's kind and name: UserName ("user alice", "ae CT1", "operator"); its roles:
///   RoleIDCode in the private scheme 99RAMPART, after the role A.5.3 asks for;
/// - the calling AE title: AlternativeUserID "AETITLES=..." (A.5.2.2);
/// - the TLS client certificate: a participant object of its own (system object, security
///   resource) whose ID is the certificate's SHA-256;
/// - the channel, the purpose of use and break-the-glass: ParticipantObjectDetail "Channel",
///   "PurposeOfUse" and "BrokeTheGlass" on each patient and study object; break-the-glass also
///   adds the EventTypeCode (110127, DCM, "Emergency Override Started").
///
/// A.5.1 requires each participant object to have a name or a query. Rampart records no patient
/// names, so patient, study and instance objects carry an empty ParticipantObjectName.
public enum AuditMessage {
    public static func xml(_ event: AuditEvent, source: AuditMessageSource) -> String {
        var xml = AuditXMLWriter()
        xml.open("AuditMessage")
        writeEventIdentification(event, into: &xml)
        for participant in participants(event, source) { participant.write(into: &xml) }
        let sourceID = [source.aeTitle, source.hostName].first { !$0.isEmpty } ?? "rampart"
        xml.open("AuditSourceIdentification", [("AuditEnterpriseSiteID", source.enterpriseSiteID), ("AuditSourceID", sourceID)])
        xml.empty("AuditSourceTypeCode", [("csd-code", "4")]) // application server process (A.5.1.2.1)
        xml.close("AuditSourceIdentification")
        for object in objects(event) { object.write(into: &xml) }
        xml.close("AuditMessage")
        return xml.text
    }

    /// EventActionCode: fixed by A.5.3 for most messages; for Instances Accessed, Instances
    /// Transferred and Patient Record, what the gate action did.
    static func actionCode(_ event: AuditEvent) -> String {
        switch event.kind {
        case .applicationActivity, .beginTransferring, .query, .securityAlert, .userAuthentication: "E"
        case .auditLogUsed, .export: "R"
        case .import: "C"
        case .studyDeleted: "D"
        case .instancesTransferred: event.action == "store" ? "C" : "R"
        case .instancesAccessed, .patientRecord:
            switch event.action {
            case "store": "C"
            case "delete": "D"
            case "administer": "U"
            default: "R"
            }
        }
    }

    private static func writeEventIdentification(_ event: AuditEvent, into xml: inout AuditXMLWriter) {
        xml.open("EventIdentification", [("EventActionCode", actionCode(event)), ("EventDateTime", AuditTime.text(event.time)),
                                         ("EventOutcomeIndicator", String(event.outcome.rawValue))])
        xml.code("EventID", .dcm(event.kind.code, event.kind.meaning))
        if let type = event.type { xml.code("EventTypeCode", AuditCode(code: type.code, system: type.codingScheme, meaning: type.meaning)) }
        if event.brokeTheGlass && event.type != .emergencyOverrideStarted { xml.code("EventTypeCode", .emergencyOverride) }
        if !event.reason.isEmpty { xml.element("EventOutcomeDescription", content: event.reason) }
        xml.close("EventIdentification")
    }

    // MARK: Active participants

    private struct Participant {
        var userID: String
        var alternativeUserID: String?
        var userName: String?
        var isRequestor: Bool
        var roles: [AuditCode]
        var mediaType: AuditCode?
        var networkAccessPoint: NetworkAccessPoint?

        func write(into xml: inout AuditXMLWriter) {
            xml.open("ActiveParticipant", [("UserID", userID), ("AlternativeUserID", alternativeUserID), ("UserName", userName),
                                           ("UserIsRequestor", isRequestor ? "true" : "false"),
                                           ("NetworkAccessPointID", networkAccessPoint?.id), ("NetworkAccessPointTypeCode", networkAccessPoint?.type)])
            for role in roles { xml.code("RoleIDCode", role) }
            if let mediaType {
                xml.open("MediaIdentifier")
                xml.code("MediaType", mediaType)
                xml.close("MediaIdentifier")
            }
            xml.close("ActiveParticipant")
        }
    }

    private struct NetworkAccessPoint {
        let id: String
        /// 1 machine name, 2 IP address.
        let type: String
    }

    /// The requestor, Rampart, and for an import or export the media (A.5.3.4, A.5.3.5).
    private static func participants(_ event: AuditEvent, _ source: AuditMessageSource) -> [Participant] {
        let (actorRoles, applicationRoles) = roles(event)
        let actor = event.actor
        let callingAETitle = event.source.callingAETitle.flatMap { $0.isEmpty ? nil : $0 }
        // The performers of a Security Alert are not its requestor (A.5.3.11).
        let requestor = Participant(
            userID: actor.name.isEmpty ? actor.kind : actor.name, alternativeUserID: callingAETitle.map { "AETITLES=\($0)" },
            userName: actor.description, isRequestor: event.kind != .securityAlert,
            roles: actorRoles + actor.roles.map { .local($0, $0) }, networkAccessPoint: networkAccessPoint(event.source, host: source.hostName))
        let application = Participant(
            userID: String(source.processID), alternativeUserID: source.aeTitle.isEmpty ? nil : "AETITLES=\(source.aeTitle)",
            userName: "rampart", isRequestor: false, roles: applicationRoles,
            networkAccessPoint: source.hostName.isEmpty ? nil : NetworkAccessPoint(id: source.hostName, type: "1"))
        var participants = [requestor, application]
        if let destination = event.destination {
            participants.append(Participant(
                userID: destination.aeTitle, alternativeUserID: "AETITLES=\(destination.aeTitle)", userName: "ae \(destination.aeTitle)",
                isRequestor: false, roles: [.destination],
                networkAccessPoint: destination.host.isEmpty ? nil : NetworkAccessPoint(id: destination.host, type: ipBytes(destination.host) == nil ? "1" : "2")))
        }
        let mediaRole: AuditCode? = switch event.kind {
        case .export: .destinationMedia
        case .import: .sourceMedia
        default: nil
        }
        if let mediaRole {
            for file in event.subjects where file.kind == .file {
                participants.append(Participant(userID: uri(file.id), userName: file.id, isRequestor: false, roles: [mediaRole],
                                                mediaType: .uriMedia))
            }
        }
        return participants
    }

    /// The RoleIDCode that A.5.3 gives the requestor and Rampart in each message; none where the
    /// table leaves it to the user. A C-MOVE's requestor is not the destination: the destination
    /// is a participant of its own, and the requestor one of the "other participants" (A.5.3.2).
    private static func roles(_ event: AuditEvent) -> (requestor: [AuditCode], application: [AuditCode]) {
        if event.destination != nil { return ([], [.source]) }
        return switch event.kind {
        case .applicationActivity: ([.applicationLauncher], [.application])
        case .beginTransferring: ([.destination], [.source])
        case .instancesTransferred: event.action == "store" ? ([.source], [.destination]) : ([.destination], [.source])
        case .query: ([.source], [.destination])
        case .export: ([.source], [.source])
        case .import: ([.destination], [.destination])
        case .auditLogUsed, .instancesAccessed, .studyDeleted, .patientRecord, .securityAlert, .userAuthentication: ([], [])
        }
    }

    /// The peer's IP address; the host for the command line, whose operator is on this machine;
    /// else the host part of the address.
    private static func networkAccessPoint(_ source: AuditSource, host: String) -> NetworkAccessPoint? {
        if let ip = source.ip, let text = ipText(ip) { return NetworkAccessPoint(id: text, type: "2") }
        if source.address == AuditSource.local.address { return host.isEmpty ? nil : NetworkAccessPoint(id: host, type: "1") }
        var address = Substring(source.address)
        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
            address = address[address.index(after: address.startIndex)..<end]
        } else if address.filter({ $0 == ":" }).count == 1, let colon = address.firstIndex(of: ":") {
            address = address[..<colon]
        }
        guard !address.isEmpty else { return nil }
        return NetworkAccessPoint(id: String(address), type: ipBytes(String(address)) == nil ? "1" : "2")
    }

    /// IPv4 (also when IPv4-mapped) in dotted form, IPv6 in RFC 5952 form.
    private static func ipText(_ bytes: [UInt8]) -> String? {
        let mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
        let address = bytes.count == 16 && Array(bytes.prefix(12)) == mapped ? Array(bytes.suffix(4)) : bytes
        guard address.count == 4 || address.count == 16 else { return nil }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = address.withUnsafeBytes { inet_ntop(address.count == 4 ? AF_INET : AF_INET6, $0.baseAddress, &text, socklen_t(text.count)) }
        guard written != nil else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func ipBytes(_ text: String) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, text, &buffer) == 1 { return Array(buffer.prefix(4)) }
        if inet_pton(AF_INET6, text, &buffer) == 1 { return buffer }
        return nil
    }

    /// An absolute path as a file URI (A.5.2.1 prefers URIs for media); anything else as it is.
    private static func uri(_ path: String) -> String {
        path.hasPrefix("/") ? URL(fileURLWithPath: path).absoluteString : path
    }

    // MARK: Participant objects

    private struct ParticipantObject {
        var id: String
        var typeCode: String
        var role: String
        var idType: AuditCode
        var name: String?
        /// Base64; written instead of the name.
        var query: String?
        var details: [(type: String, value: String)] = []
        var numberOfInstances: Int?
        var instanceUIDs: [String] = []

        func write(into xml: inout AuditXMLWriter) {
            xml.open("ParticipantObjectIdentification", [("ParticipantObjectID", id), ("ParticipantObjectTypeCode", typeCode),
                                                         ("ParticipantObjectTypeCodeRole", role)])
            xml.code("ParticipantObjectIDTypeCode", idType)
            if let query {
                xml.element("ParticipantObjectQuery", content: query)
            } else {
                xml.element("ParticipantObjectName", content: name ?? "")
            }
            for detail in details {
                xml.empty("ParticipantObjectDetail", [("type", detail.type), ("value", Data(detail.value.utf8).base64EncodedString())])
            }
            if let numberOfInstances {
                // SOPClass without a UID: the log keeps instance counts, not their SOP classes.
                xml.open("ParticipantObjectDescription")
                xml.open("SOPClass", [("NumberOfInstances", String(numberOfInstances))])
                for uid in instanceUIDs { xml.empty("Instance", [("UID", uid)]) }
                xml.close("SOPClass")
                xml.close("ParticipantObjectDescription")
            }
            xml.close("ParticipantObjectIdentification")
        }
    }

    /// The Explicit VR Little Endian transfer syntax of a query's identifier (A.5.3.10).
    private static let queryTransferSyntax = "1.2.840.10008.1.2.1"

    private static func objects(_ event: AuditEvent) -> [ParticipantObject] {
        var access: [(type: String, value: String)] = [("Channel", event.channel)]
        if let purpose = event.purposeOfUse { access.append(("PurposeOfUse", purpose)) }
        if event.brokeTheGlass { access.append(("BrokeTheGlass", "true")) }
        let studies = event.subjects.filter { $0.kind == .study }
        let instances = event.subjects.filter { $0.kind == .instance }.map(\.id)
        // Instances are listed in their study's description when the study is known (A.5.2).
        let instancesInStudy = studies.count == 1 && !instances.isEmpty
        var objects: [ParticipantObject] = []
        for subject in event.subjects {
            switch subject.kind {
            case .patient:
                objects.append(ParticipantObject(id: subject.id, typeCode: "1", role: "1", idType: .patientNumber, name: "", details: access))
            case .study:
                var study = ParticipantObject(id: subject.id, typeCode: "2", role: "3", idType: .studyInstanceUID, name: "", details: access)
                if instancesInStudy {
                    study.numberOfInstances = instances.count
                    study.instanceUIDs = instances
                } else {
                    study.numberOfInstances = subject.detail.flatMap { Int($0) }
                }
                objects.append(study)
            case .instance where !instancesInStudy:
                objects.append(ParticipantObject(id: subject.id, typeCode: "2", role: "3", idType: .sopInstanceUID, name: ""))
            case .instance:
                continue
            case .query:
                objects.append(ParticipantObject(id: subject.id, typeCode: "2", role: "3", idType: .sopClassUID,
                                                 query: base64(subject.detail ?? ""), details: [("TransferSyntax", queryTransferSyntax)]))
            case .account:
                objects.append(ParticipantObject(id: subject.id, typeCode: "2", role: "11", idType: .userIdentifier, name: subject.id))
            case .file where event.kind == .import || event.kind == .export:
                continue // the media participant
            case .file:
                objects.append(ParticipantObject(id: uri(subject.id), typeCode: "2", role: "5", idType: .uri, name: subject.id))
            case .auditLog:
                objects.append(ParticipantObject(id: uri(subject.id), typeCode: "2", role: "13", idType: .uri, name: "Security Audit Log"))
            }
        }
        if let fingerprint = event.source.certificateFingerprint {
            objects.append(ParticipantObject(id: fingerprint, typeCode: "2", role: "13", idType: .certificateFingerprint,
                                             name: "TLS client certificate"))
        }
        if event.kind == .securityAlert {
            // Every object of a Security Alert is an alert subject: a system object with an Alert Description (A.5.3.11).
            for index in objects.indices {
                objects[index].typeCode = "2"
                objects[index].details.append(("Alert Description", event.reason))
            }
        }
        return objects
    }

    /// The text when it is already base64 (the log stores a query's identifier so), else its base64.
    private static func base64(_ text: String) -> String {
        Data(base64Encoded: text) != nil ? text : Data(text.utf8).base64EncodedString()
    }
}
