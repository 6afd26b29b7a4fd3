import DICOM
import DICOMNetwork
import Foundation
@testable import RampartServer
import Testing

private typealias Tag = DICOM.Tag

@Suite struct ConformanceStatementTests {
    /// docs/conformance.md is the generated text: a change to the server's tables that is not
    /// regenerated (`rampart conformance > docs/conformance.md`) fails here.
    @Test func theCommittedStatementIsTheGeneratedOne() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let committed = try String(contentsOf: repository.appendingPathComponent("docs/conformance.md"), encoding: .utf8)
        #expect(committed == ConformanceStatement.markdown(), "run: rampart conformance > docs/conformance.md")
    }

    /// The presentation-context table names what the acceptor accepts, and only that: a SOP
    /// class outside the archive's services (Modality Worklist) is absent.
    @Test func theTableIsWhatTheAcceptorAccepts() {
        let worklist = "1.2.840.10008.5.1.4.31"
        let rows = ConformanceStatement.accepted([("Modality Worklist Information Model - FIND", worklist),
                                                  ConformanceStatement.verification,
                                                  ("CT Image Storage", "1.2.840.10008.5.1.4.1.1.2")])
        #expect(rows.map(\.uid) == [WellKnownSOPClass.verification, "1.2.840.10008.5.1.4.1.1.2"])
        #expect(rows[0].transferSyntaxes == ArchiveServiceProvider.plainSyntaxes)
        #expect(rows[1].transferSyntaxes == TransferSyntax.known.map(\.uid))
        #expect(rows[1].requestorMayBeSCP)
        let text = ConformanceStatement.markdown()
        #expect(!text.contains(worklist))
        for model in QueryRetrieveModel.allCases {
            #expect(text.contains("`\(model.findSOPClassUID)`") && text.contains("`\(model.moveSOPClassUID)`") && text.contains("`\(model.getSOPClassUID)`"))
        }
        for syntax in TransferSyntax.known { #expect(text.contains("`\(syntax.uid)`")) }
    }

    /// Every term the statement lists is one the decoder reads without complaint.
    @Test func everyListedCharacterSetIsRead() {
        for term in SpecificCharacterSet.definedTerms {
            #expect(SpecificCharacterSet(terms: [term]).termIssues.isEmpty, "\(term)")
        }
    }
}
