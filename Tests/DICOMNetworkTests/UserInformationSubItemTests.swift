import DICOMNetwork
import NIOCore
import Testing

/// Golden bytes for each user information sub-item (PS3.7 Annex D.3.3, PS3.8 Annex D.1),
/// carried in an A-ASSOCIATE-RQ and checked in both directions.
@Suite("User information sub-items against golden bytes (PS3.7 D.3.3)")
struct UserInformationSubItemTests {
    private func expectRoundTrip(_ subItemBytes: [UInt8], _ expected: [UserInformationSubItem], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = Fixtures.associateRQBytes(userInformationSubItems: subItemBytes)
        guard case let .associateRQ(rq) = try Fixtures.decode(bytes) else {
            Issue.record("not an A-ASSOCIATE-RQ", sourceLocation: sourceLocation); return
        }
        #expect(rq.userInformation.subItems == expected, sourceLocation: sourceLocation)
        #expect(try Fixtures.encode(.associateRQ(rq)) == bytes, sourceLocation: sourceLocation)
    }

    @Test func maximumLength() throws {
        try expectRoundTrip(Fixtures.hex("51 00 0004 00003FFE"), [.maximumLength(16382)])
        try expectRoundTrip(Fixtures.hex("51 00 0004 00000000"), [.maximumLength(0)])
    }

    @Test func implementationClassUIDAndVersionName() throws {
        try expectRoundTrip(
            Fixtures.implementationClassUIDItem + Fixtures.implementationVersionNameItem,
            [.implementationClassUID("1.2.276.0.7230010.3.0.3.6.0"), .implementationVersionName("OFFIS_DCMTK_360")]
        )
    }

    @Test func asynchronousOperationsWindow() throws {
        try expectRoundTrip(
            Fixtures.hex("53 00 0004 0005 0003"),
            [.asynchronousOperationsWindow(AsynchronousOperationsWindow(maximumOperationsInvoked: 5, maximumOperationsPerformed: 3))]
        )
    }

    @Test func roleSelection() throws {
        try expectRoundTrip(
            Fixtures.hex("54 00 001D 0019") + Fixtures.ascii(Fixtures.ctImageStorage) + Fixtures.hex("00 01"),
            [.roleSelection(RoleSelection(sopClassUID: Fixtures.ctImageStorage, scuRole: false, scpRole: true))]
        )
    }

    @Test func sopClassExtendedNegotiation() throws {
        try expectRoundTrip(
            Fixtures.hex("56 00 0021 0019") + Fixtures.ascii(Fixtures.ctImageStorage) + Fixtures.hex("02 00 03 00 01 00"),
            [.sopClassExtendedNegotiation(SOPClassExtendedNegotiation(sopClassUID: Fixtures.ctImageStorage, serviceClassApplicationInformation: [2, 0, 3, 0, 1, 0]))]
        )
    }

    @Test func sopClassCommonExtendedNegotiation() throws {
        // pynetdicom's a_associate_rq_com_ext_neg sub-item: MR storage, storage service class,
        // related general SOP class 1.2.840.10008.5.1.4.1.1.88.22 (enhanced SR).
        try expectRoundTrip(
            Fixtures.hex("57 00 004F 0019") + Fixtures.ascii("1.2.840.10008.5.1.4.1.1.4")
                + Fixtures.hex("0011") + Fixtures.ascii("1.2.840.10008.4.2")
                + Fixtures.hex("001F 001D") + Fixtures.ascii("1.2.840.10008.5.1.4.1.1.88.22"),
            [.sopClassCommonExtendedNegotiation(SOPClassCommonExtendedNegotiation(
                sopClassUID: "1.2.840.10008.5.1.4.1.1.4", serviceClassUID: "1.2.840.10008.4.2",
                relatedGeneralSOPClassUIDs: ["1.2.840.10008.5.1.4.1.1.88.22"]
            ))]
        )
    }

    @Test func sopClassCommonExtendedNegotiationWithoutRelatedClasses() throws {
        try expectRoundTrip(
            Fixtures.hex("57 00 0030 0019") + Fixtures.ascii("1.2.840.10008.5.1.4.1.1.4")
                + Fixtures.hex("0011") + Fixtures.ascii("1.2.840.10008.4.2") + Fixtures.hex("0000"),
            [.sopClassCommonExtendedNegotiation(SOPClassCommonExtendedNegotiation(
                sopClassUID: "1.2.840.10008.5.1.4.1.1.4", serviceClassUID: "1.2.840.10008.4.2"
            ))]
        )
    }

    @Test func userIdentityUsername() throws {
        try expectRoundTrip(
            Fixtures.hex("58 00 0010 01 01 000A") + Fixtures.ascii("pynetdicom") + Fixtures.hex("0000"),
            [.userIdentityRQ(UserIdentityRQ(kind: .username, positiveResponseRequested: true, primaryField: Fixtures.ascii("pynetdicom")))]
        )
    }

    @Test func userIdentityUsernameAndPasscode() throws {
        try expectRoundTrip(
            Fixtures.hex("58 00 0018 02 00 000A") + Fixtures.ascii("pynetdicom") + Fixtures.hex("0008") + Fixtures.ascii("p4ssw0rd"),
            [.userIdentityRQ(UserIdentityRQ(
                kind: .usernameAndPasscode, positiveResponseRequested: false,
                primaryField: Fixtures.ascii("pynetdicom"), secondaryField: Fixtures.ascii("p4ssw0rd")
            ))]
        )
    }

    @Test(arguments: [(UInt8(3), UserIdentityRQ.Kind.kerberos), (4, .saml), (5, .jwt)])
    func userIdentityTokenKinds(byte: UInt8, kind: UserIdentityRQ.Kind) throws {
        try expectRoundTrip(
            Fixtures.hex("58 00 000A") + [byte] + Fixtures.hex("01 0004 DEADBEEF 0000"),
            [.userIdentityRQ(UserIdentityRQ(kind: kind, positiveResponseRequested: true, primaryField: Fixtures.hex("DEADBEEF")))]
        )
    }

    @Test func userIdentityServerResponse() throws {
        try expectRoundTrip(
            Fixtures.hex("59 00 0006 0004") + Fixtures.ascii("OKAY"),
            [.userIdentityAC(UserIdentityAC(serverResponse: Fixtures.ascii("OKAY")))]
        )
        try expectRoundTrip(Fixtures.hex("59 00 0002 0000"), [.userIdentityAC(UserIdentityAC(serverResponse: []))])
    }

    @Test func unknownSubItemIsKeptRawAndSentBackUnchanged() throws {
        try expectRoundTrip(
            Fixtures.hex("5F 07 0003 AABBCC"),
            [.unknown(RawItem(type: 0x5F, reserved: 7, data: [0xAA, 0xBB, 0xCC]))]
        )
    }

    @Test func userIdentityOfAnUndefinedTypeIsKeptRaw() throws {
        try expectRoundTrip(
            Fixtures.hex("58 00 0006 09 00 0000 0000"),
            [.unknown(RawItem(type: 0x58, data: Fixtures.hex("09 00 0000 0000")))]
        )
    }

    @Test func subItemsKeepTheirOrder() throws {
        let bytes = Fixtures.implementationVersionNameItem + Fixtures.hex("5F 00 0000") + Fixtures.maximumLengthItem
        try expectRoundTrip(bytes, [
            .implementationVersionName("OFFIS_DCMTK_360"),
            .unknown(RawItem(type: 0x5F, data: [])),
            .maximumLength(16384),
        ])
    }

    @Test func trailingPaddingOfUIDsIsDropped() throws {
        let bytes = Fixtures.associateRQBytes(userInformationSubItems: Fixtures.hex("52 00 0006") + Fixtures.ascii("1.2.3") + [0])
        guard case let .associateRQ(rq) = try Fixtures.decode(bytes) else { Issue.record("not an A-ASSOCIATE-RQ"); return }
        #expect(rq.userInformation.implementationClassUID == "1.2.3")
    }

    @Test func accessorsFindEachKindOfSubItem() {
        let role = RoleSelection(sopClassUID: "1.2", scuRole: true, scpRole: false)
        let identity = UserIdentityRQ(kind: .jwt, positiveResponseRequested: false, primaryField: [1])
        let information = UserInformation(subItems: [
            .maximumLength(1), .roleSelection(role), .userIdentityRQ(identity),
            .asynchronousOperationsWindow(AsynchronousOperationsWindow(maximumOperationsInvoked: 1, maximumOperationsPerformed: 2)),
            .userIdentityAC(UserIdentityAC(serverResponse: [9])),
        ])
        #expect(information.maximumLength == 1)
        #expect(information.roleSelections == [role])
        #expect(information.userIdentityRQ == identity)
        #expect(information.userIdentityAC?.serverResponse == [9])
        #expect(information.asynchronousOperationsWindow?.maximumOperationsPerformed == 2)
        #expect(information.implementationClassUID == nil)
        #expect(information.sopClassExtendedNegotiations.isEmpty)
        #expect(information.sopClassCommonExtendedNegotiations.isEmpty)
    }
}
