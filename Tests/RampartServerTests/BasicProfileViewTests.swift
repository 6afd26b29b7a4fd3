import Access
import DICOM
import Deidentify
import Foundation
import Testing
@testable import RampartServer

private typealias Tag = DICOM.Tag

/// The deidentified view the server applies, checked row by row against PS3.15 Table E.1-1.
@Suite("BasicProfileView")
struct BasicProfileViewTests {
    private let view = AttributeView.basicProfile
    private let key = PseudonymKey(bytes: Array(repeating: 9, count: 32))

    private static func rows(_ codes: Set<ActionCode>) -> [ProfileRow] {
        ConfidentialityProfile.table.filter { $0.pattern.isSingleTag && codes.contains($0.basic) }
    }

    /// A data set holding one attribute of `vr` with a value, inside a sequence item too.
    private static func dataSet(_ tag: Tag) -> DataSet {
        let vr = DataDictionary.entry(for: tag)?.vr ?? .LO
        let element = vr == .SQ ? DataElement(tag: tag, items: [DataSet([.text(Tag(0x0010, 0x0010), .PN, ["DOE^JANE"])])])
            : DataElement(tag: tag, vr: vr, bytes: Array("SECRET01".utf8))
        return DataSet([element, DataElement(tag: Tag(0x0008, 0x1115), items: [DataSet([element])])])
    }

    @Test func removesEveryAttributeWhoseBasicActionIsX() {
        let rows = Self.rows([.remove])
        #expect(rows.count > 250)
        for row in rows {
            let tag = Tag(row.pattern.value)
            let shown = view.apply(to: Self.dataSet(tag))
            #expect(shown[tag] == nil, "\(row.name) \(tag)")
            #expect(shown[Tag(0x0008, 0x1115)]?.items?.first?[tag] == nil, "\(row.name) \(tag) in an item")
        }
    }

    @Test func emptiesEveryAttributeWhoseBasicActionIsZ() {
        for row in Self.rows([.zero, .removeOrZero]) {
            let tag = Tag(row.pattern.value)
            let shown = view.apply(to: Self.dataSet(tag))
            let element = shown[tag]
            #expect(element != nil && (element?.items ?? []).isEmpty && (element?.inlineBytes ?? []).isEmpty, "\(row.name) \(tag)")
        }
    }

    @Test func replacesEveryDAttributeByADummyValidForItsVR() {
        for row in Self.rows([.dummy, .removeOrDummy, .zeroOrDummy, .removeZeroOrDummy]) {
            let tag = Tag(row.pattern.value)
            let shown = view.apply(to: Self.dataSet(tag))
            let vr = DataDictionary.entry(for: tag)?.vr
            let expected = vr.flatMap(DummyValue.text(for:)) ?? ""
            let text = shown[tag]?.inlineBytes.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: [" ", "\0"]) }
            #expect(shown[tag] != nil && (vr == .SQ ? shown[tag]?.items == [] : text == expected), "\(row.name) \(tag)")
        }
    }

    @Test func keepsUIDsSoThatRetrievalByUIDWorks() {
        for row in Self.rows([.uid, .removeZeroOrUID]) {
            #expect(!view.hides(Tag(row.pattern.value)), "\(row.name)")
        }
        for tag in [Tag(0x0020, 0x000D), Tag(0x0020, 0x000E), Tag(0x0008, 0x0018)] { #expect(!view.hides(tag)) }
    }

    @Test func removesTheTablesFamiliesAndPrivateAttributes() {
        let dataSet = DataSet([
            DataElement(tag: Tag(0x5000, 0x3000), vr: .OW, bytes: [1, 2]),
            DataElement(tag: Tag(0x6002, 0x3000), vr: .OW, bytes: [1, 2]),
            .text(Tag(0x6000, 0x4000), .LT, ["OVERLAY NOTE"]),
            .text(Tag(0x6000, 0x0022), .LO, ["OVERLAY DESCRIPTION"]),
            .text(Tag(0x0009, 0x0010), .LO, ["VENDOR"]),
            .text(Tag(0x0009, 0x1001), .LO, ["PRIVATE-ID"]),
        ])
        let shown = view.apply(to: dataSet)
        #expect(shown.map(\.tag) == [Tag(0x6000, 0x0022)])
    }

    /// The server's view never shows what Access's placeholder for it hides.
    @Test func hidesAtLeastWhatThePlaceholderHides() {
        let placeholder = AttributeView.deidentified
        for tag in placeholder.removed.union(placeholder.replaced.keys) { #expect(view.hides(tag), "\(tag)") }
        #expect(view.removesPrivateAttributes)
        // Descriptions, which the placeholder shows, are X in the table.
        #expect(view.hides(Tag(0x0008, 0x1030)) && view.hides(Tag(0x0008, 0x103E)))
    }

    @Test func theBuiltInPolicyAndAPolicyFileGiveTheResearcherTheGeneratedView() throws {
        #expect(PolicyFile.builtIn["researcher"]?.view == view)
        let policy = try PolicyFile.parse("""
            views:
              study-view:
                based_on: deidentified
                remove: [Modality]
            roles:
              reader:
                allow: [query]
                view: deidentified
              study-reader:
                allow: [query]
                view: study-view
            """, source: "policy.yaml", pseudonymKey: key)
        #expect(policy["researcher"]?.view == view)
        #expect(policy["reader"]?.view == view)
        let derived = try #require(policy["study-reader"]?.view)
        #expect(derived.hides(Tag(0x0008, 0x0060)) && derived.hides(Tag(0x6000, 0x3000)) && derived.hides(Tag(0x0010, 0x0010)))
    }
}
