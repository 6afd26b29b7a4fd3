import Access
import DICOM
import Foundation
import Testing
@testable import RampartServer

private typealias Tag = DICOM.Tag

@Suite("PolicyFile")
struct PolicyFileTests {
    private let key = PseudonymKey(bytes: Array(repeating: 9, count: 32))

    private func parse(_ text: String) throws(ServerSetupError) -> AccessPolicy {
        try PolicyFile.parse(text, source: "policy.yaml", pseudonymKey: key)
    }

    @Test func anEmptyFileIsTheBuiltInPolicy() throws {
        let policy = try parse("")
        #expect(policy.roleNames == AccessPolicy.builtIn.roleNames)
        #expect(policy["researcher"] == PolicyFile.builtIn["researcher"])
        #expect(policy["researcher"]?.view == .basicProfile)
    }

    @Test func readsViewsRolesConditionsAndTheEmergencyRule() throws {
        let policy = try parse("""
            time_zone: Europe/Paris
            emergency_purpose: EMERGENCY
            roles:
              night-reader:
                allow: [query, retrieve]
                view: teleradiology
                when:
                  networks: [10.20.0.0/16, "fd00::/8"]
                  channels: dimse
                  authentication: [token, certificate]
                  device: known-certificate
                  hours: "19:00-07:00"
                  weekdays: [mon, tue, wed, thu, fri]
                  purpose: [TREAT]
                access_groups: [staff]
                break_the_glass: true
              radiologist:
                access_groups: [vip]
            views:
              teleradiology:
                based_on: no-identifiers-beyond-name
                remove: [PatientBirthDate, "(0010,2160)"]
                empty: [AccessionNumber]
                replace: {InstitutionName: REDACTED}
                pseudonymize: [PatientID]
                remove_private: true
            """)
        #expect(policy.timeZone.identifier == "Europe/Paris")
        #expect(policy.emergencyPurpose == "EMERGENCY")
        let role = try #require(policy["night-reader"])
        #expect(role.actions == [.query, .retrieve])
        #expect(role.conditions.count == 7)
        #expect(role.conditions.contains(.knownDevice))
        #expect(role.conditions.contains(.channels([.dimse])))
        #expect(role.accessGroups == ["staff"] && role.mayBreakTheGlass)
        let view = role.view
        #expect(view.name == "teleradiology")
        #expect(view.removed.isSuperset(of: AttributeView.noIdentifiersBeyondName.removed))
        #expect(view.removed.contains(Tag(0x0010, 0x0030)) && view.removed.contains(Tag(0x0010, 0x2160)))
        #expect(view.replaced[Tag(0x0008, 0x0050)] == .empty)
        #expect(view.replaced[Tag(0x0008, 0x0080)] == .text("REDACTED"))
        #expect(view.replaced[Tag(0x0010, 0x0020)] == .pseudonym(key))
        #expect(view.removesPrivateAttributes)
        // A built-in role the file names keeps what it does not change.
        let radiologist = try #require(policy["radiologist"])
        #expect(radiologist.actions == Role.radiologist.definition.actions && radiologist.accessGroups == ["vip"])
        #expect(radiologist.mayBreakTheGlass)
    }

    @Test(arguments: [
        ("roles:\n  r:\n    allow: [query]\n    whne: {}\n", "policy.yaml:4: unknown key \"whne\" in role r"),
        ("roles:\n  r:\n    allow: [query, fly]\n", "policy.yaml:3: roles.r.allow: fly is not an action"),
        ("roles:\n  r:\n    view: full\n", "role r needs allow"),
        ("roles:\n  r:\n    allow: [query]\n    view: nosuch\n", "no view is named nosuch"),
        ("roles:\n  r:\n    allow: [query]\n    when:\n      networks: [10.0.0.0/33]\n", "policy.yaml:5: roles.r.when.networks: 10.0.0.0/33 is not an address or CIDR network"),
        ("roles:\n  r:\n    allow: [query]\n    when:\n      hours: \"25:00-07:00\"\n", "must be two different times of day"),
        ("roles:\n  r:\n    allow: [query]\n    when:\n      weekdays: [funday]\n", "funday is not one of mon"),
        ("roles:\n  r:\n    allow: [query]\n    when:\n      device: any\n", "can only be known-certificate"),
        ("roles:\n  r:\n    allow: [query]\n    when:\n      authentication: [magic]\n", "magic is not one of api-key, certificate, mfa, password, registered-ae, token"),
        ("views:\n  v:\n    remove: [NotAKeyword]\n", "NotAKeyword is not a DICOM keyword"),
        ("views:\n  v:\n    pseudonymize: [StudyDate]\n", "only text (names, IDs, descriptions) can be pseudonymized"),
        ("views:\n  full:\n    remove: [PatientID]\n", "a built-in view cannot be redefined"),
        ("views:\n  v:\n    remove: [StudyInstanceUID]\n", "StudyInstanceUID cannot be hidden: retrievals name objects by it"),
        ("views:\n  v:\n    replace:\n      SOPInstanceUID: \"1.2.3\"\n", "SOPInstanceUID cannot be hidden"),
        ("views:\n  v:\n    based_on: later\n", "no view named later is defined above this one"),
        ("time_zone: Mars/Olympus\n", "not a time zone name"),
        ("roles:\n  \"bad name\":\n    allow: []\n", "may hold only letters, digits"),
        ("rolez: {}\n", "unknown key \"rolez\" in the top level"),
        ("roles:\n  r:\n    allow: [query]\n    studies:\n      referring_physician: anyone\n", "policy.yaml:5: roles.r.studies.referring_physician can only be self"),
        ("roles:\n  r:\n    allow: [query]\n    studies:\n      institutions: []\n", "must list Institution Name values"),
        ("roles:\n  r:\n    allow: [query]\n    studies:\n      institution: [A]\n", "unknown key \"institution\" in roles.r.studies (known: institutions, referring_physician)"),
    ])
    func aMistakeStopsWithItsLineAndWhatToWrite(text: String, message: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test func readsStudyConditionsOnTheData() throws {
        let policy = try parse("""
            roles:
              referring-physician:
                studies:
                  referring_physician: self
              north-clinic:
                allow: [store, query, retrieve]
                studies:
                  institutions: ["North Clinic", "Hôpital Nord"]
                  referring_physician: self
            """)
        #expect(policy["referring-physician"]?.studies == [.referredByPrincipal])
        #expect(policy["referring-physician"]?.actions == Role.referringPhysician.definition.actions)
        #expect(policy["north-clinic"]?.studies == [.institutions(["North Clinic", "Hôpital Nord"]), .referredByPrincipal])
        #expect(policy["radiologist"]?.studies == [])
    }

    /// Every example policy shipped in docs/policy reads, and names only known keys.
    @Test func theShippedExamplesRead() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/policy").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 3)
        for file in files {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            _ = try PolicyFile.parse(text, source: file, pseudonymKey: key)
        }
    }
}
