import Testing
@testable import DICOM

// Swift Testing has a `Tag` of its own.
private typealias Tag = DICOM.Tag

// MARK: - Standard entries

@Test func knowsPatientNameAsPersonNameWithOneValue() throws {
    let entry = try #require(DataDictionary.entry(for: Tag(0x0010, 0x0010)))
    #expect(entry.keyword == "PatientName")
    #expect(entry.vrs == [.PN])
    #expect(entry.vm == .one)
    #expect(!entry.isRetired)
    #expect(!entry.isAmbiguous)
    #expect(entry.privateCreator == nil)
}

@Test func pixelDataIsOBOrOW() throws {
    let entry = try #require(DataDictionary.entry(for: .pixelData))
    #expect(entry.keyword == "PixelData")
    #expect(entry.vrs == [.OB, .OW])
    #expect(entry.isAmbiguous)
}

@Test func pseudoVRsBecomeTheirCandidates() throws {
    #expect(DataDictionary.entry(for: Tag(0x0028, 0x0106))?.vrs == [.US, .SS])       // xs
    #expect(DataDictionary.entry(for: Tag(0x0028, 0x3006))?.vrs == [.US, .SS, .OW])  // lt
    #expect(DataDictionary.entry(for: Tag(0x0004, 0x1200))?.vrs == [.UL])           // up
    let item = try #require(DataDictionary.entry(for: .item))                         // na
    #expect(item.vrs.isEmpty)
    #expect(item.vr == .UN)
}

@Test func overlayRepeatingGroupMatchesEveryEvenGroupFrom6000To60FF() throws {
    for group: UInt16 in [0x6000, 0x6002, 0x601E, 0x60FE] {
        let entry = try #require(DataDictionary.entry(for: Tag(group, 0x3000)))
        #expect(entry.keyword == "OverlayData")
        #expect(entry.tag == Tag(0x6000, 0x3000))
        #expect(entry.vrs == [.OB, .OW])
    }
    #expect(DataDictionary.entry(for: Tag(0x6002, 0x0010))?.keyword == "OverlayRows")
    // Odd groups are private (PS3.5 7.8): (6001,3000) is no overlay.
    #expect(DataDictionary.entry(for: Tag(0x6001, 0x3000)) == nil)
    #expect(DataDictionary.entry(for: Tag(0x6100, 0x3000)) == nil)
}

@Test func curveAndVariablePixelDataRepeatingGroupsAreRetired() throws {
    let curve = try #require(DataDictionary.entry(for: Tag(0x5004, 0x3000)))
    #expect(curve.keyword == "CurveData")
    #expect(curve.isRetired)
    #expect(DataDictionary.entry(for: Tag(0x7F02, 0x0010))?.keyword == "VariablePixelData")
    #expect(DataDictionary.entry(for: .pixelData)?.keyword == "PixelData")  // exact before the 7Fxx range
}

@Test func sourceImageIDsCoverEveryElementOf002031xx() throws {
    // DCMTK reads (0020,3100-31FF) as even elements only; PS3.6 (0020,31xx) and pydicom mean all.
    #expect(DataDictionary.entry(for: Tag(0x0020, 0x3100))?.keyword == "SourceImageIDs")
    #expect(DataDictionary.entry(for: Tag(0x0020, 0x3101))?.keyword == "SourceImageIDs")
    #expect(DataDictionary.entry(for: Tag(0x0020, 0x31FF))?.vm == ValueMultiplicity(minimum: 1, maximum: nil))
}

@Test func groupLengthsThatAreNotListedAreGenericULs() throws {
    let listed = try #require(DataDictionary.entry(for: .fileMetaInformationGroupLength))
    #expect(listed.keyword == "FileMetaInformationGroupLength")
    let generic = try #require(DataDictionary.entry(for: Tag(0x0008, 0x0000)))
    #expect(generic.keyword == "GenericGroupLength")
    #expect(generic.vrs == [.UL])
    #expect(generic.vm == .one)
    #expect(DataDictionary.entry(for: Tag(0x0009, 0x0000))?.keyword == "PrivateGroupLength")
    #expect(DataDictionary.entry(for: Tag(0x0009, 0x0000))?.vrs == [.UL])
}

@Test func privateCreatorElementsAreLO() throws {
    for tag in [Tag(0x0009, 0x0010), Tag(0x0019, 0x0011), Tag(0x7FE1, 0x00FF), Tag(0x6001, 0x0010)] {
        let entry = try #require(DataDictionary.entry(for: tag))
        #expect(entry.keyword == "PrivateCreator")
        #expect(entry.vrs == [.LO])
    }
    // A private data element is not a creator, and the standard dictionary does not know it.
    #expect(DataDictionary.entry(for: Tag(0x0019, 0x1010)) == nil)
}

@Test func unknownStandardTagHasNoEntry() {
    #expect(DataDictionary.entry(for: Tag(0x0010, 0x0011)) == nil)
}

@Test func retiredEntriesAreFlaggedAndKeepThePS36Keyword() throws {
    let entry = try #require(DataDictionary.entry(for: Tag(0x0008, 0x0040)))
    #expect(entry.keyword == "DataSetType")
    #expect(entry.isRetired)
    #expect(DataDictionary.tag(forKeyword: "DataSetType") == Tag(0x0008, 0x0040))
    #expect(DataDictionary.tag(forKeyword: "RETIRED_DataSetType") == Tag(0x0008, 0x0040))
    #expect(DataDictionary.tag(forKeyword: "RETIRED_PatientName") == nil)
}

@Test func valueMultiplicitiesAreParsed() throws {
    #expect(DataDictionary.entry(for: Tag(0x0008, 0x0008))?.vm == ValueMultiplicity(minimum: 2, maximum: nil))  // ImageType 2-n
    #expect(DataDictionary.entry(for: Tag(0x0020, 0x0032))?.vm == ValueMultiplicity(minimum: 3, maximum: 3))   // ImagePositionPatient 3
    #expect(DataDictionary.entry(for: Tag(0x0028, 0x0030))?.vm.description == "2")                             // PixelSpacing
    let polygon = try #require(DataDictionary.entry(for: Tag(0x0018, 0x1620)))                                 // VerticesOfThePolygonalShutter 2-2n
    #expect(polygon.vm == ValueMultiplicity(minimum: 2, maximum: nil, step: 2))
    #expect(polygon.vm.description == "2-2n")
    let frames = try #require(DataDictionary.entry(for: Tag(0x0008, 0x1162)))                                  // CalculatedFrameList 3-3n
    #expect(frames.vm.step == 3)
    #expect(DataDictionary.entry(for: Tag(0x0018, 0x6018))?.vm == .one)                                        // RegionLocationMinX0 1
    #expect(DataDictionary.entry(for: Tag(0x0028, 0x1101))?.vm.description == "3")                             // palette descriptor
}

@Test func dicondeAndDicosEntriesAreIncluded() {
    #expect(DataDictionary.entry(for: Tag(0x0014, 0x3050))?.vrs == [.OB, .OW])  // DarkCurrentCounts (DICONDE)
}

// MARK: - Keywords

@Test func keywordsMapToTags() {
    #expect(DataDictionary.tag(forKeyword: "PatientName") == Tag(0x0010, 0x0010))
    #expect(DataDictionary.tag(forKeyword: "SOPInstanceUID") == .sopInstanceUID)
    #expect(DataDictionary.tag(forKeyword: "PixelData") == .pixelData)
    #expect(DataDictionary.tag(forKeyword: "OverlayData") == Tag(0x6000, 0x3000))
    #expect(DataDictionary.tag(forKeyword: "Item") == .item)
    #expect(DataDictionary.tag(forKeyword: "patientname") == nil)
    #expect(DataDictionary.tag(forKeyword: "") == nil)
}

@Test func pseudoEntriesHaveNoKeyword() {
    #expect(DataDictionary.tag(forKeyword: "GenericGroupLength") == nil)
    #expect(DataDictionary.tag(forKeyword: "PrivateCreator") == nil)
}

@Test func everyKeywordLeadsBackToItsEntry() throws {
    for keyword in ["PatientID", "StudyInstanceUID", "BitsAllocated", "ReferencedImageSequence", "OverlayRows", "CurveData"] {
        let tag = try #require(DataDictionary.tag(forKeyword: keyword))
        #expect(DataDictionary.entry(for: tag)?.keyword == keyword)
    }
}

// MARK: - Private dictionary

@Test func privateEntryMatchesTheLowByteInAnyBlock() throws {
    let creator = "GEMS_ACQU_01"
    for block: UInt16 in [0x10, 0x11, 0xFF] {
        let entry = try #require(DataDictionary.privateEntry(creator: creator, tag: Tag(0x0019, block << 8 | 0x11)))
        #expect(entry.keyword == "SeriesContrast")
        #expect(entry.vrs == [.SS])
        #expect(entry.privateCreator == creator)
        #expect(entry.tag == Tag(0x0019, 0x0011))
    }
}

@Test func privateCreatorComparesWithoutTrailingPadding() {
    #expect(DataDictionary.privateEntry(creator: "GEMS_ACQU_01 ", tag: Tag(0x0019, 0x101B))?.keyword == "LastScanLocation")
    #expect(DataDictionary.privateEntry(creator: "GEMS_ACQU_01\0", tag: Tag(0x0019, 0x101B))?.keyword == "LastScanLocation")
    // Inner double spaces are part of Siemens' creator names.
    #expect(DataDictionary.privateEntry(creator: "SIEMENS CT VA0  COAD", tag: Tag(0x0019, 0x1010)) != nil)
    #expect(DataDictionary.privateEntry(creator: "SIEMENS CT VA0 COAD", tag: Tag(0x0019, 0x1010)) == nil)
}

@Test func privateEntryNeedsTheRightCreatorAndGroup() {
    #expect(DataDictionary.privateEntry(creator: "GEMS_ACQU_02", tag: Tag(0x0019, 0x1011)) == nil)
    #expect(DataDictionary.privateEntry(creator: "gems_acqu_01", tag: Tag(0x0019, 0x1011)) == nil)
    #expect(DataDictionary.privateEntry(creator: "GEMS_ACQU_01", tag: Tag(0x0021, 0x1011)) == nil)
    // The creator element itself is not a data element of the block.
    #expect(DataDictionary.privateEntry(creator: "GEMS_ACQU_01", tag: Tag(0x0019, 0x0011)) == nil)
}

@Test func fixedPrivateElementsMatchOnlyTheirElement() throws {
    let entry = try #require(DataDictionary.privateEntry(creator: "PHILIPS MR/PART", tag: Tag(0x0019, 0x1000)))
    #expect(entry.keyword == "FieldOfView")
    #expect(entry.vrs == [.DS])
    #expect(DataDictionary.privateEntry(creator: "PHILIPS MR/PART", tag: Tag(0x0019, 0x1100))?.keyword != "FieldOfView")
}

@Test func privateRepeatingGroupsMatchOddGroupsInTheirRange() throws {
    for group: UInt16 in [0x6001, 0x6003, 0x60FF] {
        let entry = try #require(DataDictionary.privateEntry(creator: "PAPYRUS 3.0", tag: Tag(group, 0x1010)))
        #expect(entry.keyword == "OverlayRows")
        #expect(entry.vrs == [.US])
    }
    #expect(DataDictionary.privateEntry(creator: "PAPYRUS 3.0", tag: Tag(0x6101, 0x1010)) == nil)
}

@Test func privatePseudoVRsBecomeCandidates() {
    #expect(DataDictionary.privateEntry(creator: "SPI-P Release 1", tag: Tag(0x7FE1, 0x1010))?.vrs == [.OB, .OW])
}

// MARK: - Ambiguous VRs (pydicom 3.0 `_correct_ambiguous_vr_element`)

private func us(_ tag: Tag, _ value: UInt16) -> DataElement {
    DataElement(tag: tag, vr: .US, bytes: [UInt8(value & 0xFF), UInt8(value >> 8)])
}

private let usOrSS: [VR] = [.US, .SS]
private let obOrOW: [VR] = [.OB, .OW]
private let pixelPaddingValue = Tag(0x0028, 0x0120)

@Test func unambiguousCandidatesPassThrough() {
    #expect(AmbiguousVR.resolve(Tag(0x0010, 0x0010), candidates: [.PN], in: DataSet()) == .PN)
    #expect(AmbiguousVR.resolve(.item, candidates: [], in: DataSet()) == .UN)
}

@Test func pixelValuesFollowPixelRepresentation() {
    let unsigned = DataSet([us(.pixelRepresentation, 0)])
    let signed = DataSet([us(.pixelRepresentation, 1)])
    #expect(AmbiguousVR.resolve(pixelPaddingValue, candidates: usOrSS, in: unsigned) == .US)
    #expect(AmbiguousVR.resolve(pixelPaddingValue, candidates: usOrSS, in: signed) == .SS)
}

@Test func pixelValuesInSequencesUseTheNearestPixelRepresentation() {
    let root = DataSet([us(.pixelRepresentation, 1)])
    let middle = DataSet([us(.pixelRepresentation, 0)])
    let item = DataSet()
    #expect(AmbiguousVR.resolve(pixelPaddingValue, candidates: usOrSS, in: item, parents: [root]) == .SS)
    #expect(AmbiguousVR.resolve(pixelPaddingValue, candidates: usOrSS, in: item, parents: [root, middle]) == .US)
    #expect(AmbiguousVR.resolve(pixelPaddingValue, candidates: usOrSS, in: DataSet([us(.pixelRepresentation, 1)]), parents: [middle]) == .SS)
}

@Test func pixelValuesWithoutPixelRepresentationFollowPydicomsFallbacks() {
    // No Pixel Representation and no Pixel Data: US.
    #expect(AmbiguousVR.resolve(pixelPaddingValue, candidates: usOrSS, in: DataSet()) == .US)
    // An empty Pixel Representation is not 0: SS.
    let empty = DataSet([DataElement(tag: .pixelRepresentation, vr: .US, bytes: [])])
    #expect(AmbiguousVR.resolve(pixelPaddingValue, candidates: usOrSS, in: empty) == .SS)
    // Pixel Data without Pixel Representation: pydicom raises; we take US.
    let pixels = DataSet([DataElement(tag: .pixelData, vr: .OW, bytes: [0, 0])])
    #expect(AmbiguousVR.resolve(pixelPaddingValue, candidates: usOrSS, in: pixels) == .US)
}

@Test func usOrSSElementsPydicomDoesNotListFallBackToUS() {
    // (0028,1100) Gray Lookup Table Descriptor, retired: pydicom leaves it ambiguous.
    let signed = DataSet([us(.pixelRepresentation, 1)])
    #expect(AmbiguousVR.resolve(Tag(0x0028, 0x1100), candidates: usOrSS, in: signed) == .US)
}

@Test func pixelDataVRFollowsEncodingAndBitsAllocated() {
    let eight = DataSet([us(.bitsAllocated, 8)])
    let sixteen = DataSet([us(.bitsAllocated, 16)])
    let one = DataSet([us(.bitsAllocated, 1)])
    #expect(AmbiguousVR.resolve(.pixelData, candidates: obOrOW, in: eight, undefinedLength: true) == .OB)
    #expect(AmbiguousVR.resolve(.pixelData, candidates: obOrOW, in: eight, explicitVR: false) == .OW)
    #expect(AmbiguousVR.resolve(.pixelData, candidates: obOrOW, in: eight) == .OB)
    #expect(AmbiguousVR.resolve(.pixelData, candidates: obOrOW, in: one) == .OB)
    #expect(AmbiguousVR.resolve(.pixelData, candidates: obOrOW, in: sixteen) == .OW)
    // No Bits Allocated: pydicom raises; we take OW.
    #expect(AmbiguousVR.resolve(.pixelData, candidates: obOrOW, in: DataSet()) == .OW)
}

@Test func waveformDataFollowsWaveformBitsAllocated() {
    let waveformData = Tag(0x5400, 0x1010)
    let eight = DataSet([us(Tag(0x5400, 0x1004), 8)])
    let sixteen = DataSet([us(Tag(0x5400, 0x1004), 16)])
    #expect(AmbiguousVR.resolve(waveformData, candidates: obOrOW, in: eight) == .OB)
    #expect(AmbiguousVR.resolve(waveformData, candidates: obOrOW, in: sixteen) == .OW)
    #expect(AmbiguousVR.resolve(waveformData, candidates: obOrOW, in: eight, explicitVR: false) == .OW)
    #expect(AmbiguousVR.resolve(Tag(0x5400, 0x0110), candidates: obOrOW, in: DataSet()) == .OW)
}

@Test func lutDataIsUSForASingleEntryAndOWOtherwise() {
    let lutData = Tag(0x0028, 0x3006)
    let candidates: [VR] = [.US, .SS, .OW]
    let single = DataSet([DataElement(tag: Tag(0x0028, 0x3002), vr: .US, bytes: [1, 0, 0, 0, 16, 0])])
    let table = DataSet([DataElement(tag: Tag(0x0028, 0x3002), vr: .US, bytes: [0, 1, 0, 0, 16, 0])])
    #expect(AmbiguousVR.resolve(lutData, candidates: candidates, in: single) == .US)
    #expect(AmbiguousVR.resolve(lutData, candidates: candidates, in: table) == .OW)
    #expect(AmbiguousVR.resolve(lutData, candidates: candidates, in: DataSet()) == .OW)
}

@Test func overlayDataIsOW() {
    #expect(AmbiguousVR.resolve(Tag(0x6000, 0x3000), candidates: obOrOW, in: DataSet([us(.bitsAllocated, 8)])) == .OW)
    #expect(AmbiguousVR.resolve(Tag(0x601E, 0x3000), candidates: obOrOW, in: DataSet()) == .OW)
    // Beyond pydicom's 16 groups the fallback gives the same answer.
    #expect(AmbiguousVR.resolve(Tag(0x6020, 0x3000), candidates: obOrOW, in: DataSet()) == .OW)
}

@Test func resolvedVRIsAlwaysACandidate() throws {
    for tag in [Tag(0x0028, 0x0106), .pixelData, Tag(0x0028, 0x3006), Tag(0x6000, 0x3000), Tag(0x5400, 0x1010), Tag(0x0028, 0x1200)] {
        let entry = try #require(DataDictionary.entry(for: tag))
        for dataSet in [DataSet(), DataSet([us(.pixelRepresentation, 1), us(.bitsAllocated, 16)])] {
            #expect(entry.vrs.contains(AmbiguousVR.resolve(tag, candidates: entry.vrs, in: dataSet)))
        }
    }
}

@Test func generatedTablesParseCompletely() {
    let standardRows = DataDictionary.rows(of: DataDictionary.standardTable).count
    let repeatingRows = DataDictionary.rows(of: DataDictionary.repeatingTable).count
    #expect(DataDictionary.standard.exact.count == standardRows)
    #expect(DataDictionary.standard.repeating.count == repeatingRows)
    #expect(standardRows > 4000)
    let privateRows = DataDictionary.rows(of: DataDictionary.privateTable).count
    #expect(DataDictionary.privates.byKey.count + DataDictionary.privates.ranges.count == privateRows)
    #expect(privateRows > 2000)
}
