/// Chooses the VR of an element whose dictionary entry allows several ("US or SS", "OB or OW",
/// "US or SS or OW"), from the attributes around it: what implicit VR leaves open (PS3.5 A.1).
///
/// The rules mirror pydicom 3.0's `filewriter._correct_ambiguous_vr_element`, because our
/// interoperability tests compare the VRs we write with pydicom's. Where pydicom gives up (it
/// leaves the VR ambiguous, or raises because an attribute it needs is missing) we fall back on
/// OW when it is a candidate (any even length fits it, and it is what implicit VR little endian
/// means for these data, PS3.5 A.1), else on the first candidate (US for "US or SS").
public enum AmbiguousVR {
    /// - Parameters:
    ///   - tag: the element's tag.
    ///   - candidates: the VRs its dictionary entry allows (`DictionaryEntry.vrs`).
    ///   - dataSet: the data set that holds the element; during parsing, the elements read so far.
    ///   - parents: the data sets that enclose `dataSet` through sequence items, outermost (the
    ///     root) first. "US or SS" elements take Pixel Representation from the nearest of them.
    ///   - explicitVR: false when the value was read from an implicit VR encoding (pydicom's
    ///     `original_encoding`); true when it came with an explicit VR (such as UN) or was not
    ///     read from a file at all.
    ///   - undefinedLength: the value had undefined length (encapsulated Pixel Data).
    public static func resolve(
        _ tag: Tag,
        candidates: [VR],
        in dataSet: DataSet,
        parents: [DataSet] = [],
        explicitVR: Bool = true,
        undefinedLength: Bool = false
    ) -> VR {
        guard candidates.count > 1 else { return candidates.first ?? .UN }
        let chosen = rule(for: tag, in: dataSet, parents: parents, explicitVR: explicitVR, undefinedLength: undefinedLength)
        if let chosen, candidates.contains(chosen) { return chosen }
        return candidates.contains(.OW) ? .OW : candidates[0]
    }

    /// pydicom's choice, or nil where it has none.
    private static func rule(for tag: Tag, in dataSet: DataSet, parents: [DataSet], explicitVR: Bool, undefinedLength: Bool) -> VR? {
        if tag == .pixelData {
            // PS3.5 A.4: encapsulated Pixel Data is OB. A.1: implicit VR native data is OW. A.2:
            // explicit VR may be either, OW when Bits Allocated > 8; pydicom writes OB for 1 and 8.
            if undefinedLength { return .OB }
            if !explicitVR { return .OW }
            guard let bitsAllocated = unsignedValue(dataSet[.bitsAllocated]) else { return nil }  // pydicom raises
            return bitsAllocated > 8 ? .OW : .OB
        }
        if usOrSSTags.contains(tag) {
            return usOrSS(in: dataSet, parents: parents)
        }
        if waveformTags.contains(tag) {
            // PS3.3 C.10.9.1: OW when Waveform Bits Allocated > 8, else OB or OW. pydicom looks in
            // the same data set only, and raises when it is not there.
            if !explicitVR { return .OW }
            guard let bits = unsignedValue(dataSet[waveformBitsAllocated]) else { return nil }
            return bits > 8 ? .OW : .OB
        }
        if tag == lutData {
            // PS3.3 C.11.1.1.1: the first LUT Descriptor value counts the entries; one entry is US.
            guard let first = dataSet[lutDescriptor]?.uint16s.first else { return nil }  // pydicom raises
            return first == 1 ? .US : .OW
        }
        if tag.element == 0x3000, tag.group & 1 == 0, (0x6000...0x601E).contains(tag.group) {
            // Overlay Data: implicit VR needs OW, explicit VR allows OB or OW (PS3.5 8.1.2); pydicom
            // always writes OW, for the 16 groups 6000-601E only.
            return .OW
        }
        return nil
    }

    /// US when Pixel Representation is 0 (unsigned), SS otherwise, from the nearest data set
    /// that has a value for it; pydicom's fallbacks when none does.
    private static func usOrSS(in dataSet: DataSet, parents: [DataSet]) -> VR? {
        let nearestFirst = [dataSet] + parents.reversed()
        if let representation = nearestFirst.lazy.compactMap({ unsignedValue($0[.pixelRepresentation]) }).first {
            return representation == 0 ? .US : .SS
        }
        // An empty Pixel Representation reads as None in pydicom, which is not 0: SS.
        if dataSet.contains(.pixelRepresentation) { return .SS }
        // Without pixel data these attributes are unused, and pydicom picks US. With Pixel Data
        // and no Pixel Representation it raises; the fallback (US) applies.
        return dataSet.contains(.pixelData) ? nil : .US
    }

    /// The first value of an integer attribute, also when it was read as UN or OB/OW.
    private static func unsignedValue(_ element: DataElement?) -> Int? {
        guard let element else { return nil }
        switch element.vr {
        case .UN, .OB, .OW: return element.uint16s.first.map(Int.init)
        default: return element.int
        }
    }

    private static let waveformBitsAllocated = Tag(0x5400, 0x1004)
    private static let lutDescriptor = Tag(0x0028, 0x3002)
    private static let lutData = Tag(0x0028, 0x3006)

    /// pydicom's `_AMBIGUOUS_US_SS_TAGS`: values in the pixel sample range, whose sign follows
    /// Pixel Representation (pydicom pull request 298 lists the references).
    private static let usOrSSTags: Set<Tag> = [
        Tag(0x0018, 0x9810),  // Zero Velocity Pixel Value
        Tag(0x0022, 0x1452),  // Mapped Pixel Value
        Tag(0x0028, 0x0104),  // Smallest Valid Pixel Value (retired)
        Tag(0x0028, 0x0105),  // Largest Valid Pixel Value (retired)
        Tag(0x0028, 0x0106),  // Smallest Image Pixel Value
        Tag(0x0028, 0x0107),  // Largest Image Pixel Value
        Tag(0x0028, 0x0108),  // Smallest Pixel Value in Series
        Tag(0x0028, 0x0109),  // Largest Pixel Value in Series
        Tag(0x0028, 0x0110),  // Smallest Image Pixel Value in Plane (retired)
        Tag(0x0028, 0x0111),  // Largest Image Pixel Value in Plane (retired)
        Tag(0x0028, 0x0120),  // Pixel Padding Value
        Tag(0x0028, 0x0121),  // Pixel Padding Range Limit
        Tag(0x0028, 0x1101),  // Red Palette Color Lookup Table Descriptor
        Tag(0x0028, 0x1102),  // Green Palette Color Lookup Table Descriptor
        Tag(0x0028, 0x1103),  // Blue Palette Color Lookup Table Descriptor
        Tag(0x0028, 0x3002),  // LUT Descriptor
        Tag(0x0040, 0x9211),  // Real World Value Last Value Mapped
        Tag(0x0040, 0x9216),  // Real World Value First Value Mapped
        Tag(0x0060, 0x3004),  // Histogram First Bin Value
        Tag(0x0060, 0x3006),  // Histogram Last Bin Value
    ]

    /// pydicom's `_AMBIGUOUS_OB_OW_TAGS`: waveform values whose size follows Waveform Bits Allocated.
    private static let waveformTags: Set<Tag> = [
        Tag(0x5400, 0x0110),  // Channel Minimum Value
        Tag(0x5400, 0x0112),  // Channel Maximum Value
        Tag(0x5400, 0x100A),  // Waveform Padding Value
        Tag(0x5400, 0x1010),  // Waveform Data
    ]
}
