import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Audit

/// Each kind of event as its PS3.15 A.5.3 message: the EventID and action code, and the
/// participants and objects that message's table requires. The schema itself (A.5.1) is checked
/// by the interop tests, with lxml.
@Suite struct AuditMessageTests {
    private static let source = AuditMessageSource(aeTitle: "RAMPART", hostName: "pacs.example", processID: 4242)
    private static let peer = AuditSource(address: "10.1.2.3:40000", ip: [10, 1, 2, 3], callingAETitle: "VIEWER")
    private static let alice = AuditActor(kind: "user", name: "alice", roles: ["radiologist"])
    private static let patient = AuditSubject(.patient, "PAT-7")
    private static let study = AuditSubject(.study, "1.2.3.4", detail: "2")

    private static func event(_ kind: AuditEventKind, type: AuditEventType? = nil, action: String? = nil, subjects: [AuditSubject] = [],
                              actor: AuditActor = alice, source: AuditSource = peer, reason: String = "allowed") -> AuditEvent {
        AuditEvent(time: Date(timeIntervalSince1970: 1_800_000_000.25), kind: kind, type: type, outcome: .success, actor: actor,
                   channel: "dimse", source: source, action: action, subjects: subjects, reason: reason)
    }

    /// A message parsed back, read with XPath.
    private struct Message {
        let text: String
        let document: XMLDocument

        init(_ event: AuditEvent) throws {
            text = AuditMessage.xml(event, source: AuditMessageTests.source)
            document = try XMLDocument(xmlString: text)
        }

        func values(_ path: String) throws -> [String] { try document.nodes(forXPath: path).map { $0.stringValue ?? "" } }
        func value(_ path: String) throws -> String? { try values(path).first }
        func count(_ path: String) throws -> Int { try document.nodes(forXPath: path).count }

        /// An XPath string literal (XPath 1.0 has no escapes: the other quote delimits it).
        static func literal(_ text: String) -> String { text.contains("'") ? "\"\(text)\"" : "'\(text)'" }

        /// The RoleIDCode codes of the participant with this UserID.
        func roles(of userID: String) throws -> [String] {
            try values("/AuditMessage/ActiveParticipant[@UserID=\(Self.literal(userID))]/RoleIDCode/@csd-code")
        }

        /// ParticipantObjectTypeCode / TypeCodeRole / IDTypeCode of the object with this ID.
        func object(_ id: String) throws -> String? {
            let base = "/AuditMessage/ParticipantObjectIdentification[@ParticipantObjectID=\(Self.literal(id))]"
            guard let type = try value("\(base)/@ParticipantObjectTypeCode"), let role = try value("\(base)/@ParticipantObjectTypeCodeRole"),
                  let idType = try value("\(base)/ParticipantObjectIDTypeCode/@csd-code") else { return nil }
            return "\(type)/\(role)/\(idType)"
        }
    }

    @Test(arguments: AuditEventKind.allCases)
    func everyKindIsOneLineWithItsEventIDAndBothParticipants(kind: AuditEventKind) throws {
        let message = try Message(Self.event(kind, subjects: [Self.patient, Self.study]))
        #expect(!message.text.contains("\n") && !message.text.contains("\r"))
        #expect(try message.value("/AuditMessage/EventIdentification/EventID/@csd-code") == kind.code)
        #expect(try message.value("/AuditMessage/EventIdentification/EventID/@codeSystemName") == "DCM")
        #expect(try message.value("/AuditMessage/EventIdentification/EventID/@originalText") == kind.meaning)
        #expect(try message.value("/AuditMessage/EventIdentification/@EventActionCode") == AuditMessage.actionCode(Self.event(kind)))
        #expect(try message.value("/AuditMessage/EventIdentification/@EventDateTime") == "2027-01-15T08:00:00.250000Z")
        #expect(try message.value("/AuditMessage/EventIdentification/@EventOutcomeIndicator") == "0")
        #expect(try message.value("/AuditMessage/EventIdentification/EventOutcomeDescription") == "allowed")
        let requestor = "/AuditMessage/ActiveParticipant[@UserID='alice']"
        #expect(try message.value("\(requestor)/@AlternativeUserID") == "AETITLES=VIEWER")
        #expect(try message.value("\(requestor)/@UserName") == "user alice")
        #expect(try message.value("\(requestor)/@NetworkAccessPointID") == "10.1.2.3")
        #expect(try message.value("\(requestor)/@NetworkAccessPointTypeCode") == "2")
        #expect(try message.value("\(requestor)/@UserIsRequestor") == (kind == .securityAlert ? "false" : "true"))
        #expect(try message.values("\(requestor)/RoleIDCode[@codeSystemName='99RAMPART']/@csd-code") == ["radiologist"])
        let rampart = "/AuditMessage/ActiveParticipant[@UserID='4242']"
        #expect(try message.value("\(rampart)/@AlternativeUserID") == "AETITLES=RAMPART")
        #expect(try message.value("\(rampart)/@UserIsRequestor") == "false")
        #expect(try message.value("\(rampart)/@NetworkAccessPointID") == "pacs.example")
        #expect(try message.count("/AuditMessage/ActiveParticipant[@UserIsRequestor='true']") <= 1)
        #expect(try message.value("/AuditMessage/AuditSourceIdentification/@AuditSourceID") == "RAMPART")
        #expect(try message.value("/AuditMessage/AuditSourceIdentification/AuditSourceTypeCode/@csd-code") == "4")
    }

    @Test func actionCodesFollowTheTablesAndTheGateAction() {
        let fixed: [AuditEventKind: String] = [
            .applicationActivity: "E", .auditLogUsed: "R", .beginTransferring: "E", .export: "R", .import: "C",
            .studyDeleted: "D", .query: "E", .securityAlert: "E", .userAuthentication: "E",
        ]
        for (kind, code) in fixed { #expect(AuditMessage.actionCode(Self.event(kind, action: "store")) == code, "\(kind)") }
        for (action, code) in [("store", "C"), ("retrieve", "R"), ("query", "R"), ("delete", "D"), ("administer", "U")] {
            #expect(AuditMessage.actionCode(Self.event(.instancesAccessed, action: action)) == code)
            #expect(AuditMessage.actionCode(Self.event(.patientRecord, action: action)) == code)
        }
        #expect(AuditMessage.actionCode(Self.event(.instancesTransferred, action: "store")) == "C")
        #expect(AuditMessage.actionCode(Self.event(.instancesTransferred, action: "retrieve")) == "R")
    }

    @Test func instancesAccessedAndStudyDeletedNameTheStudyAndThePatient() throws {
        for kind in [AuditEventKind.instancesAccessed, .studyDeleted, .beginTransferring, .instancesTransferred] {
            let message = try Message(Self.event(kind, action: "retrieve", subjects: [Self.patient, Self.study]))
            #expect(try message.object("PAT-7") == "1/1/2", "\(kind)")
            #expect(try message.object("1.2.3.4") == "2/3/110180", "\(kind)")
            #expect(try message.value("/AuditMessage/ParticipantObjectIdentification[@ParticipantObjectID='1.2.3.4']/ParticipantObjectDescription/SOPClass/@NumberOfInstances") == "2")
            #expect(try message.value("/AuditMessage/ParticipantObjectIdentification[@ParticipantObjectID='PAT-7']/ParticipantObjectIDTypeCode/@originalText") == "Patient Number")
        }
    }

    @Test func aStoreIsTransferredFromThePeerToRampartAndARetrieveTheOtherWay() throws {
        let store = try Message(Self.event(.instancesTransferred, action: "store", subjects: [Self.patient, Self.study]))
        #expect(try store.roles(of: "alice").first == "110153")
        #expect(try store.roles(of: "4242") == ["110152"])
        let retrieve = try Message(Self.event(.instancesTransferred, action: "retrieve", subjects: [Self.patient, Self.study]))
        #expect(try retrieve.roles(of: "alice").first == "110152")
        #expect(try retrieve.roles(of: "4242") == ["110153"])
        let begin = try Message(Self.event(.beginTransferring, action: "retrieve", subjects: [Self.patient, Self.study]))
        #expect(try begin.roles(of: "4242") == ["110153"])
    }

    @Test func aMoveNamesItsDestinationAsTheParticipantThatReceives() throws {
        for kind in [AuditEventKind.beginTransferring, .instancesTransferred] {
            var event = Self.event(kind, action: "retrieve", subjects: [Self.patient, Self.study])
            event.destination = AuditDestination(aeTitle: "ARCHIVE2", host: "10.9.8.7", port: 104)
            let message = try Message(event)
            let destination = "/AuditMessage/ActiveParticipant[@UserID='ARCHIVE2']"
            #expect(try message.value("\(destination)/@UserIsRequestor") == "false", "\(kind)")
            #expect(try message.value("\(destination)/@AlternativeUserID") == "AETITLES=ARCHIVE2")
            #expect(try message.value("\(destination)/@NetworkAccessPointID") == "10.9.8.7")
            #expect(try message.value("\(destination)/@NetworkAccessPointTypeCode") == "2")
            #expect(try message.roles(of: "ARCHIVE2") == ["110152"])
            // The requestor asked for the move: not the destination, still the requestor.
            #expect(try message.roles(of: "alice").filter { $0.hasPrefix("110") }.isEmpty)
            #expect(try message.value("/AuditMessage/ActiveParticipant[@UserID='alice']/@UserIsRequestor") == "true")
            #expect(try message.roles(of: "4242") == ["110153"])
        }
    }

    @Test func aPrivateEventTypeIsCodedInRampartsScheme() throws {
        let message = try Message(Self.event(.securityAlert, type: .associationLimitExceeded))
        #expect(try message.value("/AuditMessage/EventIdentification/EventTypeCode/@codeSystemName") == "99RAMPART")
        #expect(try message.value("/AuditMessage/EventIdentification/EventTypeCode/@csd-code") == "association-limit-exceeded")
        let login = try Message(Self.event(.userAuthentication, type: .login))
        #expect(try login.value("/AuditMessage/EventIdentification/EventTypeCode/@codeSystemName") == "DCM")
    }

    @Test func instancesOfOneStudyAreListedInItsDescription() throws {
        let message = try Message(Self.event(.instancesAccessed, action: "store",
                                             subjects: [Self.patient, Self.study, AuditSubject(.instance, "1.2.3.4.1"), AuditSubject(.instance, "1.2.3.4.2")]))
        let sopClass = "/AuditMessage/ParticipantObjectIdentification[@ParticipantObjectID='1.2.3.4']/ParticipantObjectDescription/SOPClass"
        #expect(try message.values("\(sopClass)/Instance/@UID") == ["1.2.3.4.1", "1.2.3.4.2"])
        #expect(try message.value("\(sopClass)/@NumberOfInstances") == "2")
        #expect(try message.count("/AuditMessage/ParticipantObjectIdentification") == 2)
    }

    @Test func aQueryCarriesItsSOPClassItsIdentifierAndItsTransferSyntax() throws {
        let identifier = Data([0x10, 0x00, 0x20, 0x00, 0x4C, 0x4F, 0x04, 0x00]).base64EncodedString()
        let message = try Message(Self.event(.query, action: "query",
                                             subjects: [AuditSubject(.query, "1.2.840.10008.5.1.4.1.2.2.1", detail: identifier)]))
        #expect(try message.roles(of: "alice").first == "110153")
        #expect(try message.roles(of: "4242") == ["110152"])
        #expect(try message.object("1.2.840.10008.5.1.4.1.2.2.1") == "2/3/110181")
        let object = "/AuditMessage/ParticipantObjectIdentification[@ParticipantObjectID='1.2.840.10008.5.1.4.1.2.2.1']"
        #expect(try message.value("\(object)/ParticipantObjectQuery") == identifier)
        let syntax = try message.value("\(object)/ParticipantObjectDetail[@type='TransferSyntax']/@value")
        #expect(syntax.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } == "1.2.840.10008.1.2.1")
    }

    @Test func applicationActivityHasTheApplicationAndItsLauncher() throws {
        let message = try Message(Self.event(.applicationActivity, type: .applicationStart,
                                             actor: AuditActor(kind: "operator", name: ""), source: .local))
        #expect(try message.value("/AuditMessage/EventIdentification/EventTypeCode/@csd-code") == "110120")
        #expect(try message.roles(of: "4242") == ["110150"])
        #expect(try message.roles(of: "operator") == ["110151"])
        // The operator works on this machine.
        #expect(try message.value("/AuditMessage/ActiveParticipant[@UserID='operator']/@NetworkAccessPointID") == "pacs.example")
        #expect(try message.count("/AuditMessage/ParticipantObjectIdentification") == 0)
    }

    @Test func userAuthenticationHasTheNetworkAccessPointOfWhoLoggedIn() throws {
        let message = try Message(Self.event(.userAuthentication, type: .login, actor: AuditActor(kind: "anonymous", name: ""),
                                             source: AuditSource(address: "[fd00::7]:5000", ip: [0xFD] + Array(repeating: 0, count: 14) + [7])))
        #expect(try message.value("/AuditMessage/EventIdentification/EventTypeCode/@csd-code") == "110122")
        #expect(try message.value("/AuditMessage/ActiveParticipant[@UserID='anonymous']/@NetworkAccessPointID") == "fd00::7")
        #expect(try message.value("/AuditMessage/ActiveParticipant[@UserID='anonymous']/@NetworkAccessPointTypeCode") == "2")
        #expect(try message.value("/AuditMessage/ActiveParticipant[@UserID='anonymous']/@AlternativeUserID") == nil)
    }

    @Test func aSecurityAlertDescribesEachSubject() throws {
        let message = try Message(Self.event(.securityAlert, type: .securityRolesChanged, subjects: [AuditSubject(.account, "bob")],
                                             reason: "roles of bob: radiologist"))
        #expect(try message.value("/AuditMessage/EventIdentification/EventTypeCode/@csd-code") == "110137")
        #expect(try message.object("bob") == "2/11/11")
        let description = try message.value("/AuditMessage/ParticipantObjectIdentification[@ParticipantObjectID='bob']/ParticipantObjectDetail[@type='Alert Description']/@value")
        #expect(description.flatMap { Data(base64Encoded: $0) } == Data("roles of bob: radiologist".utf8))
    }

    @Test func auditLogUsedNamesTheLog() throws {
        let message = try Message(Self.event(.auditLogUsed, subjects: [AuditSubject(.auditLog, "/var/lib/rampart/audit/audit.sqlite")]))
        #expect(try message.object("file:///var/lib/rampart/audit/audit.sqlite") == "2/13/12")
        #expect(try message.value("/AuditMessage/ParticipantObjectIdentification/ParticipantObjectName") == "Security Audit Log")
    }

    @Test func importAndExportNameTheirMedia() throws {
        let imported = try Message(Self.event(.import, subjects: [AuditSubject(.file, "/incoming/cd"), Self.patient], source: .local))
        #expect(try imported.roles(of: "file:///incoming/cd") == ["110155"])
        #expect(try imported.value("/AuditMessage/ActiveParticipant[@UserID='file:///incoming/cd']/MediaIdentifier/MediaType/@csd-code") == "110037")
        #expect(try imported.value("/AuditMessage/ActiveParticipant[@UserID='file:///incoming/cd']/@UserIsRequestor") == "false")
        #expect(try imported.roles(of: "alice").first == "110152")
        #expect(try imported.object("PAT-7") == "1/1/2")
        #expect(try imported.count("/AuditMessage/ParticipantObjectIdentification") == 1)
        let exported = try Message(Self.event(.export, subjects: [AuditSubject(.file, "/outgoing/usb"), Self.patient], source: .local))
        #expect(try exported.roles(of: "file:///outgoing/usb") == ["110154"])
        #expect(try exported.roles(of: "alice").first == "110153")
    }

    @Test func theDeviceThePurposeAndBreakingTheGlassAreKept() throws {
        var event = Self.event(.instancesAccessed, action: "retrieve", subjects: [Self.patient],
                               source: AuditSource(address: "10.1.2.3:40000", ip: [10, 1, 2, 3], certificateFingerprint: String(repeating: "ab", count: 32)))
        event.purposeOfUse = "ETREAT"
        event.brokeTheGlass = true
        let message = try Message(event)
        #expect(try message.object(String(repeating: "ab", count: 32)) == "2/13/certificate-sha256")
        #expect(try message.values("/AuditMessage/EventIdentification/EventTypeCode/@csd-code") == ["110127"])
        let details = "/AuditMessage/ParticipantObjectIdentification[@ParticipantObjectID='PAT-7']/ParticipantObjectDetail"
        let decoded = try ["Channel", "PurposeOfUse", "BrokeTheGlass"].map { type in
            try message.value("\(details)[@type='\(type)']/@value").flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(decoded == ["dimse", "ETREAT", "true"])
    }

    @Test func hostileTextStaysTextOnOneLine() throws {
        let reason = "denied <script>alert('x')</script> & \"quoted\"\nline\r\u{0}bell\u{7}\u{2028}end"
        let actor = AuditActor(kind: "user", name: "eve\"/><ActiveParticipant UserID=\"root", roles: ["<admin>"])
        let message = try Message(Self.event(.instancesAccessed, action: "retrieve", subjects: [AuditSubject(.patient, "P<1>&'")],
                                             actor: actor, reason: reason))
        #expect(!message.text.unicodeScalars.contains { $0.properties.generalCategory == .control })
        #expect(!message.text.contains("\u{2028}"))
        #expect(try message.value("/AuditMessage/EventIdentification/EventOutcomeDescription")
                == "denied <script>alert('x')</script> & \"quoted\"\u{FFFD}line\u{FFFD}\u{FFFD}bell\u{FFFD}\u{FFFD}end")
        #expect(try message.count("/AuditMessage/ActiveParticipant") == 2)
        #expect(try message.values("/AuditMessage/ActiveParticipant/@UserID").contains("eve\"/><ActiveParticipant UserID=\"root"))
        #expect(try message.values("/AuditMessage/ActiveParticipant/RoleIDCode/@csd-code").contains("<admin>"))
        #expect(try message.object("P<1>&'") == "1/1/2")
    }
}
