/// An element's value decoded into what DICOM JSON and the Native DICOM Model write: text decoded
/// with the Specific Character Set and split into values, binary numbers formatted, bulk values
/// left as bytes to stream. Both writers share it so that they agree value for value.
struct RenderedElement {
    enum Number: Equatable {
        /// Decimal text that is also a valid JSON number.
        case finite(String)
        case nan, infinity, negativeInfinity
    }

    enum Value {
        case empty
        /// Values of a text VR (and AT as "ggggeeee"), each stripped as its VR allows; nil for an
        /// empty value among several (PS3.18 F.2.5).
        case strings([String?])
        /// Person names split into their component groups (alphabetic, ideographic, phonetic).
        case personNames([[String]?])
        case numbers([Number])
        case items([DataSet])
        case bulk(ByteStorage)
        case encapsulated(EncapsulatedPixelData)
    }

    /// The VR to write: SQ for a sequence whatever it was read as (a UN sequence), UN for an SQ
    /// element that holds bytes.
    let vr: VR
    let value: Value

    init(_ element: DataElement, characterSet: SpecificCharacterSet) throws {
        switch element.value {
        case .sequence(let items):
            vr = .SQ
            value = items.isEmpty ? .empty : .items(items)
        case .encapsulated(let pixels):
            vr = element.vr
            value = .encapsulated(pixels)
        case .bytes(let storage):
            if storage.count == 0 {
                vr = element.vr
                value = .empty
            } else if element.vr.isBulk || element.vr == .SQ {
                vr = element.vr == .SQ ? .UN : element.vr
                value = .bulk(storage)
            } else {
                vr = element.vr
                value = Self.decode(try storage.load(), vr: element.vr, tag: element.tag, characterSet: characterSet)
            }
        }
    }

    private static func decode(_ bytes: [UInt8], vr: VR, tag: Tag, characterSet: SpecificCharacterSet) -> Value {
        if vr.isString {
            let trimmed = TextValue.trimmingPadding(bytes[...], vr: vr)
            let text = vr.usesSpecificCharacterSet
                ? characterSet.decode(trimmed, vr: vr)
                : SpecificCharacterSet.default.decode(trimmed, vr: vr)
            let values = TextValue.split(text, vr: vr)
            if values.count == 1 && values[0].isEmpty { return .empty }
            if vr == .PN {
                return .personNames(values.map { value in
                    value.isEmpty ? nil : value.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
                })
            }
            return .strings(values.map { $0.isEmpty ? nil : $0 })
        }
        let element = DataElement(tag: tag, vr: vr, bytes: bytes)
        let numbers: [Number]
        switch vr {
        case .US: numbers = element.uint16s.map { .finite(String($0)) }
        case .SS: numbers = element.int16s.map { .finite(String($0)) }
        case .UL: numbers = element.uint32s.map { .finite(String($0)) }
        case .SL: numbers = element.int32s.map { .finite(String($0)) }
        case .UV: numbers = element.uint64s.map { .finite(String($0)) }
        case .SV: numbers = element.int64s.map { .finite(String($0)) }
        // A 32-bit float is written as the double it widens to, as pydicom does, so that the text
        // read back is exactly the same number.
        case .FL: numbers = element.float32s.map { number(Double($0)) }
        case .FD: numbers = element.float64s.map { number($0) }
        case .AT:
            let tags = element.tags
            return tags.isEmpty ? .empty : .strings(tags.map { $0.hex })
        default:
            // Every VR is a string, a bulk VR, SQ, or one of the above.
            return .bulk(.inline(bytes))
        }
        return numbers.isEmpty ? .empty : .numbers(numbers)
    }

    static func number(_ value: Double) -> Number {
        if value.isNaN { return .nan }
        if value.isInfinite { return value < 0 ? .negativeInfinity : .infinity }
        return .finite(value.description)
    }
}
