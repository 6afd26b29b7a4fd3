/// Renders data sets one element a line, in the manner of DCMTK's dcmdump:
/// `(0010,0010) PN [Doe^Jane]  # PatientName`. Text is decoded with the Specific Character Set
/// (inherited by sequence items); large byte values are summarised, deferred ones never loaded.
public struct DataSetDumper: Sendable {
    /// Binary values shown before "..." (dcmdump shows all with +L; a terminal wants fewer).
    public var maximumValues: Int

    public init(maximumValues: Int = 64) {
        self.maximumValues = maximumValues
    }

    public func lines(_ dataSet: DataSet, characterSet: SpecificCharacterSet = .default) -> [String] {
        var lines: [String] = []
        dump(dataSet, characterSet: characterSet, depth: 0) { lines.append($0) }
        return lines
    }

    public func dump(_ dataSet: DataSet, characterSet inherited: SpecificCharacterSet = .default, depth: Int = 0,
                     _ emit: (String) throws -> Void) rethrows {
        let characterSet = dataSet[.specificCharacterSet].map { SpecificCharacterSet(terms: $0.strings) } ?? inherited
        let indent = String(repeating: "  ", count: depth)
        for element in dataSet {
            let name = Self.keyword(for: element.tag, in: dataSet)
            switch element.value {
            case .sequence(let items):
                try emit("\(indent)\(element.tag) SQ (Sequence with \(items.count) item\(items.count == 1 ? "" : "s"))  # \(name)")
                for (index, item) in items.enumerated() {
                    try emit("\(indent)  \(Tag.item) na Item #\(index + 1)")
                    try dump(item, characterSet: characterSet, depth: depth + 2, emit)
                }
            case .encapsulated(let pixels):
                try emit("\(indent)\(element.tag) \(element.vr) (Encapsulated, \(pixels.fragments.count) fragment\(pixels.fragments.count == 1 ? "" : "s"))  # \(name)")
                try emit("\(indent)  \(Tag.item) na Basic offset table, \(pixels.basicOffsetTable.count) bytes")
                for (index, fragment) in pixels.fragments.enumerated() {
                    try emit("\(indent)  \(Tag.item) na Fragment #\(index + 1), \(fragment.count) bytes")
                }
            case .bytes(let storage):
                try emit("\(indent)\(element.tag) \(element.vr) \(render(element, storage: storage, characterSet: characterSet))  # \(name)")
            }
        }
    }

    private func render(_ element: DataElement, storage: ByteStorage, characterSet: SpecificCharacterSet) -> String {
        guard case .inline(let bytes) = storage else { return "(not loaded, \(storage.count) bytes)" }
        if bytes.isEmpty { return "(no value)" }
        let vr = element.vr
        if vr.isString {
            let decoded = vr.usesSpecificCharacterSet
                ? characterSet.decode(bytes[...], vr: vr)
                : SpecificCharacterSet.default.decode(bytes[...], vr: vr)
            let values = TextValue.split(decoded, vr: vr)
            return "[" + values.joined(separator: "\\").map(Self.printable).joined() + "]"
        }
        switch vr {
        case .US: return join(element.uint16s.map { String($0) })
        case .SS: return join(element.int16s.map { String($0) })
        case .UL: return join(element.uint32s.map { String($0) })
        case .SL: return join(element.int32s.map { String($0) })
        case .UV: return join(element.uint64s.map { String($0) })
        case .SV: return join(element.int64s.map { String($0) })
        case .FL, .OF: return join(element.float32s.map { String($0) })
        case .FD, .OD: return join(element.float64s.map { String($0) })
        case .AT: return join(element.tags.map { $0.description })
        case .OW: return join(element.uint16s.map { Self.hex($0, digits: 4) })
        case .OL: return join(element.uint32s.map { Self.hex($0, digits: 8) })
        case .OV: return join(element.uint64s.map { Self.hex($0, digits: 16) })
        default: return join(bytes.map { Self.hex($0, digits: 2) })
        }
    }

    private func join(_ values: [String]) -> String {
        guard values.count > maximumValues else { return values.joined(separator: "\\") }
        return values.prefix(maximumValues).joined(separator: "\\") + "\\... (\(values.count) values)"
    }

    /// One element, one line: control characters (CR, LF in LT/UT text) are shown as ".".
    private static func printable(_ character: Character) -> String {
        character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) ? String(character) : "."
    }

    private static func hex(_ value: some BinaryInteger, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// The dictionary keyword; for private elements the creator's dictionary, else "PrivateTag".
    public static func keyword(for tag: Tag, in dataSet: DataSet) -> String {
        if tag.isPrivate {
            if tag.isPrivateCreator { return "PrivateCreator" }
            if let creatorTag = tag.privateCreatorTag, let creator = dataSet[creatorTag]?.string,
               let entry = DataDictionary.privateEntry(creator: creator, tag: tag) {
                return entry.keyword
            }
            return "PrivateTag"
        }
        return DataDictionary.entry(for: tag)?.keyword ?? "UnknownTag"
    }
}
