import Access
import Foundation
import Testing

/// `rampart policy check` and `POST /api/policy/explain` read their question the same way, and
/// the context built from it is what the gate would see from that principal.
@Suite struct PolicyQuestionTests {
    private let users: UserDirectory
    init() throws {
        users = UserDirectory([UserAccount(name: "alice", roles: ["radiologist"],
                                           password: try PasswordHash.make(password: "pw", cost: .init(logN: 4, blockSize: 8, parallelism: 1)),
                                           disabled: true, personName: "Doe^Alice")])
    }
    private let services = ServiceDirectory([ServiceAccount(name: "robot", roles: ["auditor"], scope: [.audit], keyDigest: "00", revoked: true)])
    private let registry = AERegistry([AERegistry.Entry(title: "CT1", host: "10.0.0.9", port: 104)])

    @Test func wordsThatNameNothingAreRefusedWithWhatToGive() {
        #expect(throws: PolicyQuestionError.askerNotOne) { try PolicyQuestion(user: "a", ae: "B", service: nil, action: "query") }
        #expect(throws: PolicyQuestionError.askerNotOne) { try PolicyQuestion(user: nil, ae: nil, service: nil, action: "query") }
        #expect(throws: PolicyQuestionError.unknownAction("peek")) { try PolicyQuestion(user: "a", ae: nil, service: nil, action: "peek") }
        #expect(throws: PolicyQuestionError.unknownChannel("fax")) { try PolicyQuestion(user: "a", ae: nil, service: nil, action: "query", channel: "fax") }
        #expect(throws: PolicyQuestionError.unknownAuthentication("magic")) {
            try PolicyQuestion(user: "a", ae: nil, service: nil, action: "query", authentication: "magic")
        }
        #expect(throws: PolicyQuestionError.invalidCertificateSHA256) {
            try PolicyQuestion(user: "a", ae: nil, service: nil, action: "query", certificateSHA256: "abc")
        }
        #expect(throws: PolicyQuestionError.invalidTime("tomorrow")) { try PolicyQuestion(user: "a", ae: nil, service: nil, action: "query", at: "tomorrow") }
        #expect(PolicyQuestionError.unknownAction("peek").description.contains("retrieve"))
    }

    @Test func aUserIsDecidedWithItsAccountsRolesStateAndPersonName() throws {
        let question = try PolicyQuestion(user: "alice", ae: nil, service: nil, action: "retrieve", channel: "dicomweb", from: "10.1.2.3",
                                          authentication: "token", purposeOfUse: "TREAT", at: "2026-11-24T22:30:00Z", institution: "General")
        let (context, subjects, notes) = question.context(users: users, services: services, registry: registry)
        #expect(context.principal == .user("alice") && context.roles == ["radiologist"] && context.channel == .dicomweb)
        #expect(context.peerAddress == "10.1.2.3" && context.authentication == .token && context.purposeOfUse == "TREAT")
        #expect(context.personName == "Doe^Alice" && context.authenticationFailure == "the account of user alice is disabled")
        #expect(subjects.object == StudyAttributes(institutionName: "General", referringPhysicianName: nil))
        #expect(notes.isEmpty && question.at == Date(timeIntervalSince1970: 1_795_559_400))
    }

    @Test func givenRolesReplaceTheAccountsAndAnUnknownUserIsNoted() throws {
        let external = try PolicyQuestion(user: "ext", ae: nil, service: nil, roles: ["auditor"], action: "audit")
        #expect(external.context(users: users, services: services, registry: registry).0.roles == ["auditor"])
        let unknown = try PolicyQuestion(user: "nobody", ae: nil, service: nil, action: "query")
        let (context, _, notes) = unknown.context(users: users, services: services, registry: registry)
        #expect(context.roles.isEmpty && context.authentication == .password && notes.count == 1)
    }

    @Test func aServiceAndAnAEGetTheirOwnDefaults() throws {
        let service = try PolicyQuestion(user: nil, ae: nil, service: "robot", action: "audit", channel: "rest")
        let serviceContext = service.context(users: users, services: services, registry: registry).0
        #expect(serviceContext.authentication == .apiKey && serviceContext.scope == [.audit])
        #expect(serviceContext.authenticationFailure == "the API key of service robot is revoked")
        let ae = try PolicyQuestion(user: nil, ae: "CT1", service: nil, action: "store")
        let aeContext = ae.context(users: users, services: services, registry: registry).0
        #expect(aeContext.peerAddress == "10.0.0.9" && aeContext.callingAETitle == "CT1" && aeContext.authentication == .registeredAE)
        let bound = try PolicyQuestion(user: nil, ae: "CT1", service: nil, action: "store", certificateSHA256: String(repeating: "AB", count: 32))
        let boundContext = bound.context(users: users, services: services, registry: registry).0
        #expect(boundContext.authentication == .certificate && boundContext.certificateFingerprint == String(repeating: "ab", count: 32))
    }
}
