import DICOM
@testable import DICOMNetwork
import Testing

private typealias Tag = DICOM.Tag

/// Relational queries and retrieval (PS3.4 C.4.1.2.2, C.4.2.2.2, C.4.3.2.2): negotiated per SOP
/// class in SOP Class Extended Negotiation (C.5), then an identifier may carry keys of any level
/// above its own; without the negotiation the hierarchical rules hold.
@Suite("Relational queries: extended negotiation and identifiers")
struct RelationalQueryTests {
    private typealias S = NegotiationSamples
    private static let studyRootMove = "1.2.840.10008.5.1.4.1.2.2.2"

    private static func negotiate(_ offers: [SOPClassExtendedNegotiation]) throws -> (AssociateAC, NegotiatedAssociation) {
        let request = S.request([S.context(1, S.studyRootFind), S.context(3, studyRootMove), S.context(5, S.ctImageStorage)],
                                extraSubItems: offers.map { .sopClassExtendedNegotiation($0) })
        let configuration = AcceptorConfiguration.archive(aeTitle: S.rampart, answering: request,
                                                          plainSyntaxes: [S.explicitVRLittleEndian, S.implicitVRLittleEndian])
        return try S.accepted(AssociationNegotiator.answer(request, configuration: configuration))
    }

    @Test func archiveAcceptsRelationalQueriesAndRetrievalWhenOffered() throws {
        let (ac, negotiated) = try Self.negotiate([
            SOPClassExtendedNegotiation(sopClassUID: S.studyRootFind, serviceClassApplicationInformation: [1, 1, 0, 1]),
            SOPClassExtendedNegotiation(sopClassUID: Self.studyRootMove, serviceClassApplicationInformation: [1]),
        ])
        // Every other offered option is declined: answered 0, same length as offered.
        #expect(ac.userInformation.sopClassExtendedNegotiations == [
            SOPClassExtendedNegotiation(sopClassUID: S.studyRootFind, serviceClassApplicationInformation: [1, 0, 0, 0]),
            SOPClassExtendedNegotiation(sopClassUID: Self.studyRootMove, serviceClassApplicationInformation: [1]),
        ])
        #expect(QueryMatchingOptions(negotiatedOn: negotiated, sopClassUID: S.studyRootFind).relational)
        #expect(QueryMatchingOptions(negotiatedOn: negotiated, sopClassUID: Self.studyRootMove + "\0").relational)
    }

    @Test func withoutTheOfferQueriesStayHierarchical() throws {
        let (ac, negotiated) = try Self.negotiate([
            SOPClassExtendedNegotiation(sopClassUID: S.studyRootFind, serviceClassApplicationInformation: [0, 1]),
            // Not a Query/Retrieve SOP class: its extended negotiation is no business of this answer.
            SOPClassExtendedNegotiation(sopClassUID: S.ctImageStorage, serviceClassApplicationInformation: [2]),
        ])
        #expect(ac.userInformation.sopClassExtendedNegotiations == [
            SOPClassExtendedNegotiation(sopClassUID: S.studyRootFind, serviceClassApplicationInformation: [0, 0]),
        ])
        #expect(!QueryMatchingOptions(negotiatedOn: negotiated, sopClassUID: S.studyRootFind).relational)
        #expect(!QueryMatchingOptions(negotiatedOn: negotiated, sopClassUID: Self.studyRootMove).relational)
        #expect(QueryRetrieveExtendedNegotiation.answer(to: []) == nil)
    }

    @Test func imageLevelQueryWithPatientAndSeriesKeysNeedsRelationalQueries() throws {
        let keys = ["PatientName": "Doe^Jane", "Modality": "CT", "SOPInstanceUID": ""]
        #expect(throws: QueryIdentifierError.keyAboveLevel(QR.tag("Modality"), keyLevel: .series, queryLevel: .image)) {
            try QR.query("IMAGE", keys, model: .patientRoot)
        }
        let query = try QR.query("IMAGE", keys, model: .patientRoot, options: QueryMatchingOptions(relational: true))
        let index = InstanceIndex([
            QR.instance(patient: "PID-1", name: "Doe^Jane", study: "1.9.1", series: "1.9.1.1", sop: "1.9.1.1.1"),
            QR.instance(patient: "PID-1", name: "Doe^Jane", study: "1.9.1", series: "1.9.1.2", sop: "1.9.1.2.1", modality: "MR"),
            QR.instance(patient: "PID-1", name: "Doe^Jane", study: "1.9.2", series: "1.9.2.1", sop: "1.9.2.1.1"),
            QR.instance(patient: "PID-2", name: "Roe^Rick", study: "1.9.3", series: "1.9.3.1", sop: "1.9.3.1.1"),
        ])
        #expect(index.find(query).map { QR.string($0, "SOPInstanceUID") } == ["1.9.1.1.1", "1.9.2.1.1"])
        // The study level's keys need no Study Instance UID either.
        let studies = try QR.query("STUDY", ["PatientName": "Roe*", "StudyInstanceUID": ""], model: .patientRoot,
                                   options: QueryMatchingOptions(relational: true))
        #expect(index.find(studies).map { QR.string($0, "StudyInstanceUID") } == ["1.9.3"])
    }

    @Test func seriesRetrieveWithoutStudyUIDIsReadAlikeInBothModes() throws {
        let index = InstanceIndex([
            QR.instance(patient: "PID-1", name: "Doe^Jane", study: "1.9.1", series: "1.9.1.1", sop: "1.9.1.1.1"),
            QR.instance(patient: "PID-1", name: "Doe^Jane", study: "1.9.1", series: "1.9.1.2", sop: "1.9.1.2.1"),
        ])
        for options in [QueryMatchingOptions.baseline, QueryMatchingOptions(relational: true)] {
            let query = try QR.query("SERIES", ["SeriesInstanceUID": "1.9.1.2"], model: .studyRoot, operation: .get, options: options)
            #expect(index.instances(matching: query).map(\.sopInstanceUID) == ["1.9.1.2.1"])
        }
    }
}
