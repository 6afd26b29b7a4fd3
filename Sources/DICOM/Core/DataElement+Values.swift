/// Typed views of a value, for the default character repertoire and binary VRs.
/// Text in other character sets is read through `SpecificCharacterSet`.
extension DataElement {
    /// The value as ASCII/Latin-1 text with trailing padding removed (NUL for UI, spaces otherwise).
    public var string: String? {
        guard vr.isString, let bytes = inlineBytes else { return nil }
        return String(decoding: TextValue.trimmingPadding(bytes[...], vr: vr).map { $0 }, as: UTF8.self)
    }

    /// The values of a multi-valued string, split on backslash, each stripped as pydicom and DCMTK do.
    public var strings: [String] {
        guard let string else { return [] }
        return TextValue.split(string, vr: vr)
    }

    public var uint16s: [UInt16] { binaryValues(UInt16.self) }
    public var int16s: [Int16] { binaryValues(Int16.self) }
    public var uint32s: [UInt32] { binaryValues(UInt32.self) }
    public var int32s: [Int32] { binaryValues(Int32.self) }
    public var uint64s: [UInt64] { binaryValues(UInt64.self) }
    public var int64s: [Int64] { binaryValues(Int64.self) }
    public var float32s: [Float] { binaryValues(UInt32.self).map(Float.init(bitPattern:)) }
    public var float64s: [Double] { binaryValues(UInt64.self).map(Double.init(bitPattern:)) }

    /// AT values: pairs of 16-bit group and element numbers.
    public var tags: [Tag] {
        let words = uint16s
        return stride(from: 0, to: words.count - words.count % 2, by: 2).map { Tag(words[$0], words[$0 + 1]) }
    }

    /// The first value as an integer, from a binary integer VR or an IS string.
    public var int: Int? {
        switch vr {
        case .US: uint16s.first.map(Int.init)
        case .SS: int16s.first.map(Int.init)
        case .UL: uint32s.first.map(Int.init)
        case .SL: int32s.first.map(Int.init)
        case .UV: uint64s.first.flatMap { Int(exactly: $0) }
        case .SV: int64s.first.map(Int.init)
        case .IS: strings.first.flatMap { Int($0) }
        default: nil
        }
    }

    private func binaryValues<T: FixedWidthInteger>(_: T.Type) -> [T] {
        guard let bytes = inlineBytes else { return [] }
        let size = MemoryLayout<T>.size
        return stride(from: 0, to: bytes.count - bytes.count % size, by: size).map { start in
            var value = T.zero
            for offset in 0..<size { value |= T(truncatingIfNeeded: bytes[start + offset]) << (8 * offset) }
            return value
        }
    }
}

extension DataSet {
    public func string(_ tag: Tag) -> String? { self[tag]?.string }
    public func strings(_ tag: Tag) -> [String] { self[tag]?.strings ?? [] }
    public func int(_ tag: Tag) -> Int? { self[tag]?.int }
}

/// Rules for string values shared by every character set (PS3.5 6.2).
public enum TextValue {
    /// Drops trailing padding: NUL and spaces (UI pads with NUL; others with space, some writers with
    /// NUL). Trailing spaces are insignificant in every string VR, UT and UR included (PS3.5 6.2).
    public static func trimmingPadding(_ bytes: ArraySlice<UInt8>, vr: VR) -> ArraySlice<UInt8> {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[end - 1] == 0x00 || bytes[end - 1] == 0x20 {
            end -= 1
        }
        return bytes[bytes.startIndex..<end]
    }

    /// Splits a decoded value into its values and strips each as its VR allows (PS3.5 Table 6.2-1:
    /// leading spaces are insignificant in DS, IS, and the code and date/time VRs, trailing in most).
    ///
    /// Splits and strips on the bytes (backslash, space and NUL are single bytes in UTF-8): DICOM
    /// defines them as bytes, and the grapheme-aware `Character` path cost more than half of
    /// indexing an object.
    public static func split(_ text: String, vr: VR) -> [String] {
        guard !vr.isSingleValuedText else { return [strip(text[...], vr: vr)] }
        return text.utf8.split(separator: 0x5C, omittingEmptySubsequences: false).map { strip(Substring($0), vr: vr) }
    }

    public static func strip(_ value: Substring, vr: VR) -> String {
        switch vr {
        case .DS, .IS, .AE, .CS, .DA, .DT, .TM, .AS, .SH, .LO, .UC, .PN:
            String(trimming(value, leading: { $0 == 0x20 }, trailing: { $0 == 0x20 || $0 == 0x00 }))
        default:
            String(trimming(value, leading: { _ in false }, trailing: { $0 == 0x20 || $0 == 0x00 }))
        }
    }

    /// `text` without the leading and trailing bytes the predicates name; meant for ASCII
    /// padding bytes, which never occur inside a multi-byte UTF-8 sequence, so the result is
    /// whole characters.
    public static func trimming(_ text: Substring, leading: (UInt8) -> Bool, trailing: (UInt8) -> Bool) -> Substring {
        let bytes = text.utf8
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, leading(bytes[start]) { bytes.formIndex(after: &start) }
        while start < end {
            let last = bytes.index(before: end)
            guard trailing(bytes[last]) else { break }
            end = last
        }
        return Substring(bytes[start..<end])
    }
}
