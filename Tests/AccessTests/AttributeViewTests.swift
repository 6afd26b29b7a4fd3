import Access
import DICOM
import Foundation
import Testing

private typealias Tag = DICOM.Tag

@Suite("AttributeView")
struct AttributeViewTests {
    private static let patientName = Tag(0x0010, 0x0010)
    private static let patientID = Tag(0x0010, 0x0020)
    private static let otherPatientIDs = Tag(0x0010, 0x1000)
    private static let otherPatientIDsSequence = Tag(0x0010, 0x1002)
    private static let patientAddress = Tag(0x0010, 0x1040)
    private static let studyDescription = Tag(0x0008, 0x1030)
    private static let studyInstanceUID = Tag(0x0020, 0x000D)
    private static let modality = Tag(0x0008, 0x0060)
    private static let referencedSeriesSequence = Tag(0x0008, 0x1115)

    /// A synthetic patient with identifiers at the top level and inside a sequence item.
    private static let record: DataSet = {
        let nested = DataSet([.text(patientID, .LO, ["NESTED-ID"]), .text(otherPatientIDs, .LO, ["SSN-000-00-0000"])])
        return DataSet([
            .text(Tag(0x0008, 0x0005), .CS, ["ISO_IR 100"]),
            .text(modality, .CS, ["CT"]),
            .text(studyDescription, .LO, ["HEAD"]),
            .text(patientName, .PN, ["DOE^JANE"]),
            .text(patientID, .LO, ["PID-1"]),
            .text(otherPatientIDs, .LO, ["SSN-123-45-6789"]),
            DataElement(tag: otherPatientIDsSequence, items: [DataSet([.text(patientID, .LO, ["MRN-9"])])]),
            .text(patientAddress, .LO, ["1 MAIN ST"]),
            .text(Tag(0x0009, 0x0010), .LO, ["VENDOR"]),
            .text(Tag(0x0009, 0x1001), .LO, ["PRIVATE-ID"]),
            .uid(studyInstanceUID, "1.2.3.4"),
            DataElement(tag: referencedSeriesSequence, items: [nested]),
        ])
    }()

    private static func text(_ dataSet: DataSet, _ tag: Tag) -> String? {
        (try? dataSet[tag]?.loadBytes()).map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: [" ", "\0"]) }
    }

    @Test func fullShowsEverything() {
        #expect(AttributeView.full.apply(to: Self.record) == Self.record)
        #expect(AttributeView.full.isFull)
    }

    @Test func noIdentifiersBeyondNameKeepsNameAndIDAndRemovesTheRest() {
        let shown = AttributeView.noIdentifiersBeyondName.apply(to: Self.record)
        #expect(Self.text(shown, Self.patientName) == "DOE^JANE")
        #expect(Self.text(shown, Self.patientID) == "PID-1")
        #expect(shown[Self.otherPatientIDs] == nil)
        #expect(shown[Self.otherPatientIDsSequence] == nil)
        #expect(shown[Self.patientAddress] == nil)
        #expect(Self.text(shown, Self.studyDescription) == "HEAD")
        // Inside a sequence item too.
        let item = shown[Self.referencedSeriesSequence]?.items?.first
        #expect(item.map { Self.text($0, Self.patientID) } == "NESTED-ID")
        #expect(item?[Self.otherPatientIDs] == nil)
    }

    @Test func thePlaceholderDeidentifiedViewHidesThePatientsIdentityAndKeepsTheUIDs() {
        let shown = AttributeView.deidentified.apply(to: Self.record)
        #expect(shown[Self.patientName]?.vr == .PN && Self.text(shown, Self.patientName) == "")
        #expect(Self.text(shown, Self.patientID) == "")
        for tag in [Self.otherPatientIDs, Self.otherPatientIDsSequence, Self.patientAddress,
                    Tag(0x0009, 0x0010), Tag(0x0009, 0x1001)] {
            #expect(shown[tag] == nil, "\(tag)")
        }
        #expect(Self.text(shown, Self.studyInstanceUID) == "1.2.3.4")
        #expect(Self.text(shown, Self.modality) == "CT")
        let item = shown[Self.referencedSeriesSequence]?.items?.first
        #expect(item.map { Self.text($0, Self.patientID) } == "")
        #expect(item?[Self.otherPatientIDs] == nil)
    }

    @Test func aTextReplacementPutsTheFixedText() {
        let view = AttributeView(name: "pseudonym", removed: [], replaced: [Self.patientName: .text("ANONYMOUS"), Self.otherPatientIDsSequence: .text("X")])
        let shown = view.apply(to: Self.record)
        #expect(Self.text(shown, Self.patientName) == "ANONYMOUS")
        #expect(shown[Self.otherPatientIDsSequence]?.items == [])
        #expect(Self.text(shown, Self.patientID) == "PID-1")
    }

    @Test func aQueryMatchesOnlyOnWhatTheViewShows() {
        let query = DataSet([.text(Self.patientName, .PN, ["DOE^*"]), .text(Self.modality, .CS, ["CT"]),
                             .text(Self.otherPatientIDs, .LO, ["SSN-123-45-6789"])])
        let asked = AttributeView.deidentified.matchingOnlyWhatItShows(query)
        #expect(asked[Self.patientName]?.inlineBytes == [])
        #expect(asked[Self.otherPatientIDs]?.inlineBytes == [])
        #expect(Self.text(asked, Self.modality) == "CT")
        #expect(AttributeView.full.matchingOnlyWhatItShows(query) == query)
    }

    @Test func twoViewsCombinedHideOnlyWhatBothHide() {
        let combined = AttributeView.deidentified.combined(with: .noIdentifiersBeyondName)
        #expect(combined.hides(Self.otherPatientIDs))
        #expect(!combined.hides(Self.patientName))
        #expect(!combined.hides(Tag(0x0009, 0x1001)))
        #expect(AttributeView.deidentified.combined(with: .full).isFull)
    }

    private static let overlayData = TagPattern(value: 0x6000_3000, mask: 0xFF00_FFFF)
    private static let overlayGroup = TagPattern(value: 0x6000_0000, mask: 0xFFFF_0000)

    /// Overlay data in two overlay groups, an overlay's other attribute, and the same in an item.
    private static let overlays: DataSet = {
        let overlay = [DataElement(tag: Tag(0x6000, 0x3000), vr: .OW, bytes: [1, 2]), DataElement(tag: Tag(0x6002, 0x3000), vr: .OW, bytes: [3, 4]),
                       .text(Tag(0x6000, 0x0022), .LO, ["OVERLAY"])]
        return DataSet(overlay + [.text(modality, .CS, ["CT"]), DataElement(tag: referencedSeriesSequence, items: [DataSet(overlay)])])
    }()

    @Test func aRemovedFamilyRemovesEachOfItsTagsAtEveryDepth() {
        let view = AttributeView(name: "no-overlays", removed: [], removedPatterns: [Self.overlayData])
        #expect(view.hides(Tag(0x6000, 0x3000)) && view.hides(Tag(0x601E, 0x3000)) && !view.hides(Tag(0x6000, 0x0022)))
        let shown = view.apply(to: Self.overlays)
        #expect(shown.map(\.tag) == [Tag(0x0008, 0x0060), Tag(0x0008, 0x1115), Tag(0x6000, 0x0022)])
        #expect(shown[Self.referencedSeriesSequence]?.items?.first?.map(\.tag) == [Tag(0x6000, 0x0022)])
    }

    @Test func aReplacedFamilyIsReplacedAndAnExactRuleWinsOverIt() {
        let view = AttributeView(name: "overlay-text", removed: [], replaced: [Tag(0x6000, 0x0022): .text("KEPT-AS-TEXT")],
                                 replacedPatterns: [Self.overlayGroup: .empty])
        let shown = view.apply(to: Self.overlays)
        #expect(shown[Tag(0x6000, 0x3000)]?.inlineBytes == [])
        #expect(Self.text(shown, Tag(0x6000, 0x0022)) == "KEPT-AS-TEXT")
        #expect(shown[Tag(0x6002, 0x3000)]?.inlineBytes == [3, 4])
    }

    @Test func aQueryDoesNotMatchOnAHiddenFamily() {
        let view = AttributeView(name: "no-overlays", removed: [], removedPatterns: [Self.overlayData])
        let asked = view.matchingOnlyWhatItShows(Self.overlays)
        #expect(asked[Tag(0x6002, 0x3000)]?.inlineBytes == [])
        #expect(asked[Tag(0x6000, 0x0022)] == Self.overlays[Tag(0x6000, 0x0022)])
    }

    @Test func familiesCombineByTheirIntersection() {
        let overlayData = AttributeView(name: "a", removed: [Tag(0x6004, 0x3000)], removedPatterns: [Self.overlayData])
        let firstOverlay = AttributeView(name: "b", removed: [], replacedPatterns: [Self.overlayGroup: .empty])
        let combined = overlayData.combined(with: firstOverlay)
        #expect(combined.hides(Tag(0x6000, 0x3000)))
        #expect(!combined.hides(Tag(0x6002, 0x3000)) && !combined.hides(Tag(0x6004, 0x3000)) && !combined.hides(Tag(0x6000, 0x0022)))
        // Removed by one view, replaced by the other: the replacement shows.
        #expect(combined.apply(to: Self.overlays)[Tag(0x6000, 0x3000)]?.inlineBytes == [])
        #expect(overlayData.combined(with: .full).isFull)
        let private1 = AttributeView(name: "p", removed: [], removesPrivateAttributes: true)
        let privateGroup9 = AttributeView(name: "q", removed: [], removedPatterns: [TagPattern(value: 0x0009_0000, mask: 0xFFFF_0000)])
        let privates = private1.combined(with: privateGroup9)
        #expect(privates.hides(Tag(0x0009, 0x1001)) && !privates.hides(Tag(0x0011, 0x1001)) && !privates.removesPrivateAttributes)
    }

    /// Pixels may carry burned-in text: a view that hides the patient's identity lets them out
    /// only where Burned In Annotation is NO, and leaves them out of the objects it shows.
    @Test func pixelsThatMayShowAHiddenIdentityStayIn() {
        let pixelData = Tag(0x7FE0, 0x0010), burnedIn = Tag(0x0028, 0x0301)
        let image = DataSet([.text(Self.patientName, .PN, ["DOE^JANE"]), DataElement(tag: pixelData, vr: .OW, bytes: [1, 2, 3, 4])])
        var declaredClean = image
        declaredClean.insert(.text(burnedIn, .CS, ["NO"]))
        var declaredBurned = image
        declaredBurned.insert(.text(burnedIn, .CS, ["YES"]))

        #expect(AttributeView.deidentified.refusesPixels(burnedInAnnotation: nil) != nil)
        #expect(AttributeView.deidentified.refusesPixels(burnedInAnnotation: "YES")?.contains("DOE") == false)
        #expect(AttributeView.deidentified.refusesPixels(burnedInAnnotation: "NO") == nil)
        #expect(AttributeView.deidentified.apply(to: image)[pixelData] == nil)
        #expect(AttributeView.deidentified.apply(to: declaredBurned)[pixelData] == nil)
        #expect(AttributeView.deidentified.apply(to: declaredClean)[pixelData] != nil)
        // A technologist's view hides only identifiers beyond name and ID: its pixels go.
        #expect(!AttributeView.noIdentifiersBeyondName.hidesPatientIdentity)
        #expect(AttributeView.noIdentifiersBeyondName.apply(to: declaredBurned)[pixelData] != nil)
    }
}
