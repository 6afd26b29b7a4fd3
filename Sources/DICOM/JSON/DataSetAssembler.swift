/// Encodes parsed attributes into a data set: text in the document's character set, numbers in
/// their binary form, base64 decoded, bulk data fetched through the resolver.
///
/// JSON and XML text is Unicode, so the character set of the bytes is a choice. The Specific
/// Character Set the document gives is kept when it can encode every string of the data set
/// (checked by encoding and decoding again); otherwise, or when the document gives none and some
/// text is not ASCII, every string is encoded as UTF-8 and (0008,0005) becomes "ISO_IR 192",
/// in the data set and in any item that had its own.
struct DataSetAssembler {
    let resolver: BulkDataResolver?

    private enum TextEncoding {
        /// The character set in force, nil for the default repertoire (ASCII).
        case declared(SpecificCharacterSet?)
        case utf8
    }

    func assemble(_ attributes: [ParsedAttribute]) throws -> DataSet {
        if fits(attributes, inherited: nil) {
            return try assemble(attributes, steps: [], encoding: .declared(nil), top: true)
        }
        return try assemble(attributes, steps: [], encoding: .utf8, top: true)
    }

    // MARK: Choosing the character set

    private func characterSet(of attributes: [ParsedAttribute], inherited: SpecificCharacterSet?) -> SpecificCharacterSet? {
        guard let attribute = attributes.first(where: { $0.tag == .specificCharacterSet }) else { return inherited }
        guard case .values(let values) = attribute.content else { return nil }
        let terms = values.map { NumberText.trimmingSpaces($0 ?? "") }
        return terms.allSatisfy(\.isEmpty) ? nil : SpecificCharacterSet(terms: terms)
    }

    /// Whether every string can be encoded in the character set in force where it is.
    private func fits(_ attributes: [ParsedAttribute], inherited: SpecificCharacterSet?) -> Bool {
        let characterSet = characterSet(of: attributes, inherited: inherited)
        for attribute in attributes {
            switch attribute.content {
            case .values(let values) where attribute.vr.isString:
                if !fits(values, vr: attribute.vr, characterSet: characterSet) { return false }
            case .personNames(let values):
                if !fits(values, vr: .PN, characterSet: characterSet) { return false }
            case .items(let items):
                for item in items where !fits(item, inherited: characterSet) { return false }
            default:
                continue
            }
        }
        return true
    }

    private func fits(_ values: [String?], vr: VR, characterSet: SpecificCharacterSet?) -> Bool {
        let text = values.map { $0 ?? "" }.joined(separator: "\\")
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return true }
        guard let characterSet, vr.usesSpecificCharacterSet else { return false }
        return characterSet.decode(characterSet.encode(text, vr: vr)[...], vr: vr) == text
    }

    // MARK: Encoding

    private func assemble(_ attributes: [ParsedAttribute], steps: [ElementPath.Step], encoding: TextEncoding,
                          top: Bool) throws -> DataSet {
        var encoding = encoding
        if case .declared(let inherited) = encoding {
            encoding = .declared(characterSet(of: attributes, inherited: inherited))
        }
        var elements: [DataElement] = []
        elements.reserveCapacity(attributes.count + 1)
        var seen = Set<Tag>()
        for attribute in attributes {
            let path = ElementPath(steps: steps, tag: attribute.tag)
            guard seen.insert(attribute.tag).inserted else { throw AssemblyFailure(path: path, problem: .duplicateTag) }
            if case .utf8 = encoding, attribute.tag == .specificCharacterSet {
                elements.append(Self.utf8CharacterSet)
                continue
            }
            elements.append(try element(attribute, path: path, encoding: encoding))
        }
        if case .utf8 = encoding, top, !seen.contains(.specificCharacterSet) {
            elements.append(Self.utf8CharacterSet)
        }
        return DataSet(elements)
    }

    private static let utf8CharacterSet = DataElement(tag: .specificCharacterSet, vr: .CS, bytes: Array("ISO_IR 192".utf8))

    private func element(_ attribute: ParsedAttribute, path: ElementPath, encoding: TextEncoding) throws -> DataElement {
        let tag = attribute.tag, vr = attribute.vr
        func unexpected(_ expected: String) -> AssemblyFailure {
            AssemblyFailure(path: path, problem: .unexpectedContent(expected: expected, found: attribute.content.kind))
        }
        switch attribute.content {
        case .empty:
            return vr == .SQ ? DataElement(tag: tag, items: []) : DataElement(tag: tag, vr: vr, bytes: [])
        case .items(let items):
            guard vr == .SQ else { throw unexpected(Self.expectation(for: vr)) }
            var assembled: [DataSet] = []
            assembled.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                assembled.append(try assemble(item, steps: path.steps + [ElementPath.Step(sequence: tag, item: index)],
                                              encoding: encoding, top: false))
            }
            return DataElement(tag: tag, items: assembled)
        case .bulkDataURI(let uri):
            guard let resolver else { throw AssemblyFailure(path: path, problem: .unresolvedBulkData(uri: uri)) }
            var value = try resolver(path, vr, uri)
            if tag == .pixelData, case .bytes(.inline(let bytes)) = value, let pixels = InlineBinary.encapsulated(from: bytes) {
                value = .encapsulated(pixels)
            }
            return DataElement(tag: tag, vr: vr, value: value)
        case .encapsulated(let pixels):
            guard vr == .OB || vr == .OW || vr == .UN else { throw unexpected(Self.expectation(for: vr)) }
            return DataElement(tag: tag, vr: vr, value: .encapsulated(pixels))
        case .inlineBinary(var bytes):
            guard vr != .SQ else { throw unexpected(Self.expectation(for: vr)) }
            if tag == .pixelData, bytes.starts(with: [0xFE, 0xFF, 0x00, 0xE0]), let pixels = InlineBinary.encapsulated(from: bytes) {
                return DataElement(tag: tag, vr: vr, value: .encapsulated(pixels))
            }
            // JSON and XML need no padding (CP 1920); a data set does.
            if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
            return DataElement(tag: tag, vr: vr, bytes: bytes)
        case .personNames(let names):
            guard vr == .PN else { throw unexpected(Self.expectation(for: vr)) }
            return DataElement(tag: tag, vr: vr, bytes: encodeText(names.map { $0 ?? "" }, vr: vr, encoding: encoding))
        case .values(let values):
            return DataElement(tag: tag, vr: vr, bytes: try encodeValues(values, vr: vr, path: path, encoding: encoding,
                                                                          unexpected: unexpected))
        }
    }

    private func encodeValues(_ values: [String?], vr: VR, path: ElementPath, encoding: TextEncoding,
                              unexpected: (String) -> AssemblyFailure) throws -> [UInt8] {
        func failure(_ problem: AttributeProblem) -> AssemblyFailure { AssemblyFailure(path: path, problem: problem) }
        switch vr {
        case .DS:
            // Numbers keep the text they were written with when it is a valid DS, else the
            // shortest that reads back the same within 16 characters.
            let texts = values.map { value in value.map { NumberText.decimalString(fromNumber: $0) ?? $0 } ?? "" }
            return encodeText(texts, vr: vr, encoding: encoding)
        case .IS:
            // Likewise an integer string is kept as written ("+007"); 2.0 or 1e2 become "2", "100".
            let texts = values.map { value in value.map { NumberText.integerString(fromNumber: $0) ?? $0 } ?? "" }
            return encodeText(texts, vr: vr, encoding: encoding)
        case .AT:
            var bytes: [UInt8] = []
            for (index, value) in values.enumerated() {
                guard let value else { throw failure(.emptyBinaryValue(index: index + 1, vr: vr)) }
                guard let tag = Tag(value) else { throw failure(.invalidValue(index: index + 1, text: value, vr: vr)) }
                LittleEndian.append(tag.group, to: &bytes)
                LittleEndian.append(tag.element, to: &bytes)
            }
            return bytes
        case .US: return try integers(values, UInt16.self, vr: vr, failure)
        case .SS: return try integers(values, Int16.self, vr: vr, failure)
        case .UL: return try integers(values, UInt32.self, vr: vr, failure)
        case .SL: return try integers(values, Int32.self, vr: vr, failure)
        case .UV: return try integers(values, UInt64.self, vr: vr, failure)
        case .SV: return try integers(values, Int64.self, vr: vr, failure)
        case .FL:
            var bytes: [UInt8] = []
            for (index, value) in values.enumerated() {
                guard let value else { throw failure(.emptyBinaryValue(index: index + 1, vr: vr)) }
                guard let number = NumberText.float(value) else { throw failure(.invalidValue(index: index + 1, text: value, vr: vr)) }
                append(number.bitPattern, to: &bytes)
            }
            return bytes
        case .FD:
            var bytes: [UInt8] = []
            for (index, value) in values.enumerated() {
                guard let value else { throw failure(.emptyBinaryValue(index: index + 1, vr: vr)) }
                guard let number = NumberText.double(value) else { throw failure(.invalidValue(index: index + 1, text: value, vr: vr)) }
                append(number.bitPattern, to: &bytes)
            }
            return bytes
        case .OB, .OD, .OF, .OL, .OV, .OW, .UN, .SQ:
            throw unexpected(Self.expectation(for: vr))
        default:
            return encodeText(values.map { $0 ?? "" }, vr: vr, encoding: encoding)
        }
    }

    private func integers<T: FixedWidthInteger>(_ values: [String?], _: T.Type, vr: VR,
                                                _ failure: (AttributeProblem) -> AssemblyFailure) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
        for (index, value) in values.enumerated() {
            guard let value else { throw failure(.emptyBinaryValue(index: index + 1, vr: vr)) }
            guard let number = NumberText.integer(value, as: T.self) else {
                if NumberText.integer(value, as: Int64.self) != nil || NumberText.integer(value, as: UInt64.self) != nil
                    || (NumberText.double(value).map { $0.isFinite && $0.rounded() == $0 } ?? false) {
                    throw failure(.outOfRange(index: index + 1, text: value, vr: vr))
                }
                throw failure(.invalidValue(index: index + 1, text: value, vr: vr))
            }
            append(number, to: &bytes)
        }
        return bytes
    }

    private func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: T.bitWidth, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    /// Joins values with backslashes, encodes them, and pads to even length (PS3.5 6.2).
    private func encodeText(_ values: [String], vr: VR, encoding: TextEncoding) -> [UInt8] {
        let text = values.joined(separator: "\\")
        var bytes: [UInt8]
        switch encoding {
        case .declared(let characterSet?) where vr.usesSpecificCharacterSet:
            bytes = characterSet.encode(text, vr: vr)
        case .declared, .utf8:
            bytes = Array(text.utf8)
        }
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        return bytes
    }

    private static func expectation(for vr: VR) -> String {
        switch vr {
        case .SQ: "sequence items"
        case .PN: "person names"
        default: vr.isBulk ? "InlineBinary or a BulkDataURI" : "Value"
        }
    }
}
