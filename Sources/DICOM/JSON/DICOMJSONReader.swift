/// Reads data sets from the DICOM JSON Model (PS3.18 Annex F).
///
/// - Strings are encoded in the Specific Character Set the document gives when it can encode
///   them all, else as UTF-8 with (0008,0005) set to "ISO_IR 192" (see `DataSetAssembler`).
/// - DS numbers keep the text they were written with when it is a valid DS (1.50 stays "1.50"),
///   else the shortest text that fits 16 characters; IS and the binary VRs are read exactly,
///   64-bit integers included. NaN, Infinity and -Infinity (bare, as Python writes them, or as
///   strings) are read for FL and FD.
/// - "InlineBinary" and "BulkDataURI" are taken as a string or, as in the example of PS3.18 F.4
///   and as pydicom also allows, an array of one string. InlineBinary of Pixel Data (7FE0,0010)
///   that is a sequence of items becomes encapsulated pixel data again.
/// - A "BulkDataURI" is fetched through `bulkDataResolver`; without one it is an error.
/// - Like pydicom, a PN value given as a plain string is taken as the name's DICOM text, and an
///   attribute without "vr" gets the data dictionary's VR when the tag is known.
public struct DICOMJSONReader: Sendable {
    public var bulkDataResolver: BulkDataResolver?

    public init(bulkDataResolver: BulkDataResolver? = nil) {
        self.bulkDataResolver = bulkDataResolver
    }

    /// Reads one data set: a JSON object, or an array holding exactly one.
    public func read(_ bytes: [UInt8]) throws -> DataSet {
        let dataSets = try readAll(bytes)
        guard dataSets.count == 1 else { throw DICOMJSONError.notADataSet(found: "an array of \(dataSets.count) data sets") }
        return dataSets[0]
    }

    public func read(_ text: String) throws -> DataSet {
        try read(Array(text.utf8))
    }

    /// Reads an array of data sets, as DICOMweb responses give them; a single object gives one.
    public func readAll(_ bytes: [UInt8]) throws -> [DataSet] {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            let (line, column) = Self.lineAndColumn(of: error.offset, in: bytes)
            throw DICOMJSONError.malformedJSON(line: line, column: column, offset: error.offset, reason: error.reason)
        }
        let objects: [[JSONValue.Member]]
        switch document {
        case .object(let members):
            objects = [members]
        case .array(let elements):
            objects = try elements.map { element in
                guard case .object(let members) = element else {
                    throw DICOMJSONError.notADataSet(found: "an array holding \(element.kind)")
                }
                return members
            }
        default:
            throw DICOMJSONError.notADataSet(found: document.kind)
        }
        let assembler = DataSetAssembler(resolver: bulkDataResolver)
        return try objects.map { members in
            let attributes = try attributes(members, steps: [])
            do {
                return try assembler.assemble(attributes)
            } catch let failure as AssemblyFailure {
                throw DICOMJSONError.invalidAttribute(failure.path, failure.problem)
            }
        }
    }

    public func readAll(_ text: String) throws -> [DataSet] {
        try readAll(Array(text.utf8))
    }

    // MARK: From JSON values to attributes

    private func attributes(_ members: [JSONValue.Member], steps: [ElementPath.Step]) throws -> [ParsedAttribute] {
        var attributes: [ParsedAttribute] = []
        attributes.reserveCapacity(members.count)
        for member in members {
            let key = member.key, value = member.value
            guard key.utf8.count == 8, key.utf8.allSatisfy(Self.isHexDigit), let number = UInt32(key, radix: 16) else {
                throw DICOMJSONError.invalidKey(key, steps: steps)
            }
            let tag = Tag(number)
            attributes.append(try attribute(tag, value, path: ElementPath(steps: steps, tag: tag)))
        }
        return attributes
    }

    private func attribute(_ tag: Tag, _ json: JSONValue, path: ElementPath) throws -> ParsedAttribute {
        func problem(_ problem: AttributeProblem) -> DICOMJSONError { .invalidAttribute(path, problem) }
        guard case .object(let fields) = json else {
            throw problem(.unexpectedContent(expected: "an object with \"vr\"", found: json.kind))
        }
        let vr: VR
        switch fields.first(where: { $0.key == "vr" })?.value {
        case .string(let name)?:
            guard let known = VR(rawValue: name) else { throw problem(.unknownVR(name)) }
            vr = known
        case nil:
            guard let entry = DataDictionary.entry(for: tag), !tag.isPrivate || tag.isPrivateCreator else { throw problem(.missingVR) }
            vr = entry.vr
        case let other?:
            throw problem(.unexpectedContent(expected: "a VR name for \"vr\"", found: other.kind))
        }
        let valueFields = fields.filter { ["Value", "InlineBinary", "BulkDataURI"].contains($0.key) }
        guard valueFields.count <= 1 else {
            throw problem(.unexpectedContent(expected: "one of Value, InlineBinary and BulkDataURI",
                                             found: valueFields.map(\.key).joined(separator: " and ")))
        }
        guard let field = valueFields.first else { return ParsedAttribute(tag: tag, vr: vr, content: .empty) }
        let key = field.key, value = field.value
        switch key {
        case "InlineBinary":
            let text = try singleString(value, key: key, path: path)
            guard let bytes = Base64.decode(text) else { throw problem(.invalidBase64) }
            return ParsedAttribute(tag: tag, vr: vr, content: .inlineBinary(bytes))
        case "BulkDataURI":
            return ParsedAttribute(tag: tag, vr: vr, content: .bulkDataURI(try singleString(value, key: key, path: path)))
        default:
            guard case .array(let values) = value else {
                throw problem(.unexpectedContent(expected: "an array for \"Value\"", found: value.kind))
            }
            if values.isEmpty { return ParsedAttribute(tag: tag, vr: vr, content: .empty) }
            return ParsedAttribute(tag: tag, vr: vr, content: try content(values, vr: vr, path: path))
        }
    }

    private func content(_ values: [JSONValue], vr: VR, path: ElementPath) throws -> ParsedAttribute.Content {
        func problem(_ problem: AttributeProblem) -> DICOMJSONError { .invalidAttribute(path, problem) }
        switch vr {
        case .SQ:
            var items: [[ParsedAttribute]] = []
            for (index, value) in values.enumerated() {
                let steps = path.steps + [ElementPath.Step(sequence: path.tag, item: index)]
                switch value {
                case .object(let members): items.append(try attributes(members, steps: steps))
                case .null: items.append([])
                default: throw problem(.unexpectedContent(expected: "items as objects", found: value.kind))
                }
            }
            return .items(items)
        case .PN:
            return .personNames(try values.enumerated().map { index, value in
                switch value {
                case .null: return nil
                case .string(let text): return text
                case .object(let groups): return try personName(groups, index: index, path: path)
                default: throw problem(.invalidValue(index: index + 1, text: value.kind, vr: vr))
                }
            })
        default:
            return .values(try values.enumerated().map { index, value in
                switch value {
                case .null: return nil
                case .string(let text): return text
                case .number(let text): return text
                default: throw problem(.invalidValue(index: index + 1, text: value.kind, vr: vr))
                }
            })
        }
    }

    /// {"Alphabetic": …, "Ideographic": …, "Phonetic": …} as "alphabetic=ideographic=phonetic",
    /// ending with the last group given (PS3.18 F.2.2).
    private func personName(_ groups: [JSONValue.Member], index: Int, path: ElementPath) throws -> String? {
        var texts = ["", "", ""]
        var count = 0
        for member in groups {
            let key = member.key, value = member.value
            guard let position = PersonNameGroups.names.firstIndex(of: key) else { continue }
            switch value {
            case .string(let text): texts[position] = text
            case .null: break
            default: throw DICOMJSONError.invalidAttribute(path, .invalidValue(index: index + 1, text: "\(key) as \(value.kind)", vr: .PN))
            }
            count = max(count, position + 1)
        }
        return texts.prefix(count).joined(separator: "=")
    }

    private func singleString(_ value: JSONValue, key: String, path: ElementPath) throws -> String {
        switch value {
        case .string(let text): return text
        case .array(let elements) where elements.count == 1:
            if case .string(let text) = elements[0] { return text }
        default: break
        }
        throw DICOMJSONError.invalidAttribute(path, .unexpectedContent(expected: "a string for \"\(key)\"", found: value.kind))
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1, lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return (line, offset - lineStart + 1)
    }
}
