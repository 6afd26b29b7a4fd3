import Access
import Testing

/// Study conditions: a role reaches only the studies of its institutions, or those its holder
/// referred; the gate says so, puts the limit in the grant, and refuses to store outside it.
@Suite("Study conditions")
struct StudyConditionTests {
    private func gate(_ roles: RoleDefinition...) -> (Gate, MemoryDecisionRecorder) {
        var policy = AccessPolicy.builtIn
        for role in roles { policy.define(role) }
        let recorder = MemoryDecisionRecorder()
        return (Gate(registry: AERegistry(), policy: policy, recorder: recorder), recorder)
    }

    private let north = RoleDefinition(name: "north", actions: [.store, .query], view: .full, studies: [.institutions(["North", "Nord"])])
    private let referrer = RoleDefinition(name: "referring-physician", actions: [.query, .retrieve], view: .full,
                                          studies: [.referredByPrincipal], mayBreakTheGlass: true)

    private func user(_ roles: [String], personName: String? = nil, purpose: String? = nil) -> AccessContext {
        AccessContext(principal: .user("u"), roles: roles, channel: .dimse, peerAddress: "10.0.0.1:1", authentication: .token,
                      purposeOfUse: purpose, personName: personName)
    }

    @Test func theGrantCarriesTheStudiesEachAllowingRoleReaches() {
        let (gate, _) = gate(north, referrer)
        let both = gate.explain(user(["north", "referring-physician"], personName: "Doe^Jane^^"), .query)
        #expect(both.allowed)
        #expect(both.studies.dataLimits == [StudyDataLimit(institutions: ["North", "Nord"]),
                                            StudyDataLimit(referringPhysician: PersonNameKey("Doe^Jane"))])
        #expect(both.roles.first?.why.contains("only on studies of institution \"Nord\" or \"North\"") == true)
        #expect(both.studies.description.contains("referred by Doe^Jane"))
        // A role without study conditions reaches every study.
        #expect(gate.explain(user(["north", "radiologist"]), .query).studies.dataLimits == nil)
        #expect(gate.explain(user(["radiologist"]), .query).studies.dataLimits == nil)
    }

    @Test func referredByThePrincipalNeedsItsPersonName() {
        let (gate, _) = gate(referrer)
        let denied = gate.explain(user(["referring-physician"]), .retrieve)
        #expect(!denied.allowed)
        #expect(denied.reason.contains("reaches only the studies its holder referred, and user u has no person name (rampart user person-name"))
    }

    @Test func breakingTheGlassLiftsTheStudyConditions() {
        let (gate, _) = gate(referrer)
        let emergency = gate.explain(user(["referring-physician"], personName: "Doe^Jane", purpose: AccessPolicy.defaultEmergencyPurpose), .query)
        #expect(emergency.brokeTheGlass && emergency.studies == .everyStudy)
        #expect(emergency.reason.contains("lifts every study condition"))
    }

    @Test func aStoreOutsideTheStudiesIsDeniedAndRecordedWithoutTheValues() async {
        let (gate, recorder) = gate(north)
        let context = user(["north"])
        let inside = AccessSubjects(patientIDs: ["P1"], object: StudyAttributes(institutionName: "Nord", referringPhysicianName: nil))
        #expect(gate.explain(context, .store, concerning: inside).allowed)

        let cases: [(AccessSubjects, String)] = [
            (AccessSubjects(object: StudyAttributes(institutionName: "South Secret", referringPhysicianName: nil)),
             "the object is outside the studies its roles reach: its Institution Name (0008,0080) is not one of 2 listed"),
            (AccessSubjects(object: StudyAttributes(institutionName: nil, referringPhysicianName: nil)),
             "it has no single Institution Name (0008,0080)"),
            (AccessSubjects(object: StudyAttributes(institutionName: "North", referringPhysicianName: nil),
                            archivedStudy: StudyAttributes(institutionName: "South Secret", referringPhysicianName: nil)),
             "the object's study is archived outside the studies its roles reach"),
        ]
        for (subjects, reason) in cases {
            await #expect(throws: AccessDenied.self) { try await gate.decide(context, .store, concerning: subjects) }
            let recorded = recorder.recorded.last
            #expect(recorded?.allowed == false)
            #expect(recorded?.reason.contains(reason) == true, "\(recorded?.reason ?? "")")
            #expect(recorded?.reason.contains("South Secret") == false)
        }
    }

    @Test func personNamesCompareWithoutTrailingEmptyComponents() {
        #expect(PersonNameKey("Doe^Jane^^^") == PersonNameKey("Doe^Jane"))
        #expect(PersonNameKey("Doe^Jane= ") == PersonNameKey("Doe^Jane"))
        #expect(PersonNameKey("Doe^^Jane") != PersonNameKey("Doe^Jane"))
        #expect(PersonNameKey("DOE^JANE") != PersonNameKey("Doe^Jane"))
        let limit = StudyDataLimit(referringPhysician: PersonNameKey("Doe^Jane"))
        #expect(limit.exclusion(of: StudyAttributes(institutionName: nil, referringPhysicianName: "Doe^Jane^")) == nil)
        #expect(limit.exclusion(of: StudyAttributes(institutionName: nil, referringPhysicianName: "Roe^Jim")) != nil)
    }

    @Test func anAccountsPersonNameIsADICOMPersonName() throws {
        try UserAccount.validate(personName: "Doe^Jane")
        try UserAccount.validate(personName: "Yamada^Tarou=山田^太郎=やまだ^たろう")
        for bad in ["", "^^", "Doe\\Roe", "A^B^C^D^E^F", "Doe\nJane", String(repeating: "x", count: 65)] {
            #expect(throws: AccountError.invalidPersonName(bad)) { try UserAccount.validate(personName: bad) }
        }
    }
}
