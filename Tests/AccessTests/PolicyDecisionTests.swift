import Access
import DICOM
import Foundation
import Testing

private typealias Tag = DICOM.Tag

/// The gate decides by the policy's roles and their conditions, and explains why.
@Suite("Policy decisions")
struct PolicyDecisionTests {
    private let utc = TimeZone(identifier: "UTC")!

    /// Tuesday 2026-11-24 at `time` UTC.
    private func tuesday(_ time: String) -> Date {
        ISO8601DateFormatter().date(from: "2026-11-24T\(time):00Z")!
    }

    private func policy(_ roles: RoleDefinition...) -> AccessPolicy {
        var policy = AccessPolicy.builtIn
        policy.timeZone = utc
        for role in roles { policy.define(role) }
        return policy
    }

    private func user(_ roles: [String], from address: String = "10.20.3.4:5000", authentication: AuthenticationStrength = .token,
                      channel: AccessChannel = .dimse, purpose: String? = nil, certificate: String? = nil) -> AccessContext {
        AccessContext(principal: .user("u"), roles: roles, channel: channel, peerAddress: address, certificateFingerprint: certificate,
                      authentication: authentication, purposeOfUse: purpose)
    }

    private var nightReader: RoleDefinition {
        RoleDefinition(name: "night-reader", actions: [.query, .retrieve], view: .noIdentifiersBeyondName, conditions: [
            .networks([NetworkRange("10.20.0.0/16")!]), .hours(TimeOfDay("19:00")!, TimeOfDay("07:00")!),
            .authentication([.token, .certificate]), .channels([.dimse]),
        ])
    }

    @Test func aRoleAllowsOnlyWhenEveryConditionHolds() {
        let gate = Gate(registry: AERegistry(), policy: policy(nightReader), recorder: MemoryDecisionRecorder())
        let allowed = gate.explain(user(["night-reader"]), .retrieve, at: tuesday("22:30"))
        #expect(allowed.allowed)
        #expect(allowed.view == .noIdentifiersBeyondName)
        // Past midnight is still inside a window that spans it; 07:00 is not.
        #expect(gate.explain(user(["night-reader"]), .retrieve, at: tuesday("06:59")).allowed)
        #expect(!gate.explain(user(["night-reader"]), .retrieve, at: tuesday("07:00")).allowed)

        let cases: [(AccessContext, String)] = [
            (user(["night-reader"], from: "10.21.0.1:5000"), "10.21.0.1 is not in 10.20.0.0/16"),
            (user(["night-reader"], authentication: .password), "authenticated by password, not"),
            (user(["night-reader"], channel: .dicomweb), "it came through dicomweb, not dimse"),
        ]
        for (context, why) in cases {
            let denied = gate.explain(context, .retrieve, at: tuesday("22:30"))
            #expect(!denied.allowed)
            #expect(denied.reason.contains(why), "\(denied.reason)")
        }
        let daytime = gate.explain(user(["night-reader"]), .retrieve, at: tuesday("12:00"))
        #expect(daytime.reason.contains("it is 12:00, not between 19:00 and 07:00"))
        // The action itself comes first: no condition makes store allowed.
        #expect(gate.explain(user(["night-reader"]), .store, at: tuesday("22:30")).reason.contains("does not allow store"))
    }

    @Test func weekdaysPurposeAndKnownDevice() {
        let fingerprint = String(repeating: "ab", count: 32)
        let registry = AERegistry([.init(title: "US1", host: "10.0.0.9", port: 104, certificateSHA256: fingerprint)])
        let weekend = RoleDefinition(name: "weekend", actions: [.query], view: .full, conditions: [.weekdays([.sat, .sun])])
        let research = RoleDefinition(name: "study-team", actions: [.query], view: .deidentified, conditions: [.purposes(["HRESCH"])])
        let device = RoleDefinition(name: "ward-tablet", actions: [.query], view: .full, conditions: [.knownDevice])
        let gate = Gate(registry: registry, policy: policy(weekend, research, device), recorder: MemoryDecisionRecorder())
        #expect(gate.explain(user(["weekend"]), .query, at: tuesday("10:00")).reason.contains("it is tue"))
        #expect(gate.explain(user(["study-team"], purpose: "HRESCH"), .query).allowed)
        #expect(gate.explain(user(["study-team"]), .query).reason.contains("no purpose of use was declared"))
        #expect(!gate.explain(user(["study-team"], purpose: "TREAT"), .query).allowed)
        #expect(gate.explain(user(["ward-tablet"], certificate: fingerprint), .query).allowed)
        #expect(gate.explain(user(["ward-tablet"], certificate: String(repeating: "cd", count: 32)), .query).reason.contains("not bound to a registered device"))
        #expect(gate.explain(user(["ward-tablet"]), .query).reason.contains("no client certificate"))
    }

    @Test func twoAllowingRolesCombineTheirViewsAndOpenTheirGroups() {
        let day = RoleDefinition(name: "day", actions: [.query], view: .deidentified, accessGroups: ["staff"])
        let tech = RoleDefinition(name: "tech", actions: [.query], view: .noIdentifiersBeyondName, accessGroups: ["vip"])
        let gate = Gate(registry: AERegistry(), policy: policy(day, tech), recorder: MemoryDecisionRecorder())
        let explanation = gate.explain(user(["day", "tech"]), .query)
        #expect(explanation.view == AttributeView.deidentified.combined(with: .noIdentifiersBeyondName))
        #expect(explanation.studies == StudyScope(openGroups: ["staff", "vip"]))
        #expect(explanation.roles.map(\.allows) == [true, true])
    }

    @Test func breakingTheGlassIsAllowedFlaggedAndRecorded() async throws {
        let recorder = MemoryDecisionRecorder()
        let gate = Gate(registry: AERegistry(), policy: policy(), recorder: recorder)
        let grant = try await gate.decide(user(["radiologist"], purpose: "ETREAT"), .retrieve)
        #expect(grant.brokeTheGlass)
        #expect(grant.studies == .everyStudy)
        #expect(recorder.recorded.first?.brokeTheGlass == true)
        #expect(recorder.recorded.first?.reason.contains("BREAK-THE-GLASS") == true)
        // The same purpose from a role that may not break the glass opens nothing more.
        let technologist = try await gate.decide(user(["technologist"], purpose: "ETREAT"), .retrieve)
        #expect(!technologist.brokeTheGlass)
        #expect(technologist.studies == .unrestrictedStudiesOnly)
    }

    @Test func explainingRecordsNothingAndTheLocalOperatorIsNotBoundByThePolicy() {
        let recorder = MemoryDecisionRecorder()
        var restrictive = AccessPolicy(roles: [RoleDefinition(name: "admin", actions: [], view: .deidentified)], source: "test")
        restrictive.timeZone = utc
        let gate = Gate(registry: AERegistry(), policy: restrictive, recorder: recorder)
        let local = gate.explain(AccessContext(principal: .localOperator, channel: .cli, peerAddress: "local", authentication: .none), .delete)
        #expect(local.allowed && local.view == .full && local.studies == .everyStudy)
        #expect(gate.explain(user(["radiologist"]), .query).reason.contains("is not a role of the policy (the roles of test are admin)"))
        #expect(recorder.recorded.isEmpty)
    }

    @Test func aPseudonymIsStableForTheKeyAndDiffersAcrossKeys() {
        let key = PseudonymKey(bytes: Array(repeating: 1, count: 32))
        let view = AttributeView(name: "pseudo", removed: [], replaced: [Tag(0x0010, 0x0020): .pseudonym(key)])
        var dataSet = DataSet()
        dataSet.insert(.text(Tag(0x0010, 0x0020), .LO, ["PAT1"]))
        let once = view.apply(to: dataSet).string(Tag(0x0010, 0x0020))
        #expect(once == view.apply(to: dataSet).string(Tag(0x0010, 0x0020)))
        #expect(once != "PAT1" && once?.count == 16)
        let other = PseudonymKey(bytes: Array(repeating: 2, count: 32))
        #expect(other.pseudonym(of: "PAT1") != once)
        #expect(view.hides(Tag(0x0010, 0x0020)))
    }
}
