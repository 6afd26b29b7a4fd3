/// Writes data sets in the Native DICOM Model (PS3.19 A.1), streaming like `DICOMJSONWriter`:
///
/// ```xml
/// <NativeDicomModel xml:space="preserve">
///   <DicomAttribute tag="00100010" vr="PN" keyword="PatientName">
///     <PersonName number="1"><Alphabetic><FamilyName>Doe</FamilyName>…
/// ```
///
/// - One DicomAttribute per element in tag order, with "tag", "vr" and, for tags the data
///   dictionary knows, "keyword". Group length elements are left out (PS3.19 A.1.1).
/// - Private data elements keep their full tag and carry "privateCreator"; the private creator
///   elements are written too, as DCMTK's dcm2xml does, so the block numbers survive.
/// - Each value a numbered `<Value>`, an empty one as `<Value number="n"/>`; DS and IS as their
///   text; FL and FD NaN and infinities as "NaN", "INF", "-INF" (XML Schema's spelling).
/// - Person names split into `<Alphabetic>`, `<Ideographic>`, `<Phonetic>` groups of
///   `<FamilyName>`, `<GivenName>`, `<MiddleName>`, `<NamePrefix>`, `<NameSuffix>`; empty
///   components between others are left out, a trailing one is kept empty so that the name's
///   text reads back the same.
/// - Bulk values (and encapsulated pixel data, as its items) as `<InlineBinary>` base64 or, when
///   `Options.bulkDataURI` gives one, `<BulkData uri="…"/>`.
public struct DICOMXMLWriter: Sendable {
    public struct Options: Sendable {
        /// Newlines and indentation between elements (never inside a value).
        public var pretty: Bool
        public var bulkDataURI: BulkDataURIProvider?
        public var includeKeywords: Bool
        /// Starts the document with `<?xml version="1.0" encoding="UTF-8"?>`.
        public var includeXMLDeclaration: Bool

        public init(pretty: Bool = false, bulkDataURI: BulkDataURIProvider? = nil, includeKeywords: Bool = true,
                    includeXMLDeclaration: Bool = true) {
            self.pretty = pretty
            self.bulkDataURI = bulkDataURI
            self.includeKeywords = includeKeywords
            self.includeXMLDeclaration = includeXMLDeclaration
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    public func write<Sink: ByteSink>(_ dataSet: DataSet, to sink: inout Sink,
                                      characterSet: SpecificCharacterSet = .default) throws {
        var emitter = XMLEmitter(sink: sink, pretty: options.pretty)
        if options.includeXMLDeclaration {
            try emitter.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        }
        try emitter.open("NativeDicomModel", [("xml:space", "preserve")])
        try writeAttributes(of: dataSet, steps: [], inherited: characterSet, to: &emitter)
        try emitter.close("NativeDicomModel")
        sink = try emitter.finish()
    }

    public func bytes(_ dataSet: DataSet) throws -> [UInt8] {
        var sink = ByteArraySink()
        try write(dataSet, to: &sink)
        return sink.bytes
    }

    public func string(_ dataSet: DataSet) throws -> String {
        String(decoding: try bytes(dataSet), as: UTF8.self)
    }

    private func writeAttributes<Sink>(of dataSet: DataSet, steps: [ElementPath.Step], inherited: SpecificCharacterSet,
                                       to emitter: inout XMLEmitter<Sink>) throws {
        let characterSet = CharacterSetScope.characterSet(of: dataSet, inherited: inherited)
        for element in dataSet where !element.tag.isGroupLength {
            try write(element, in: dataSet, path: ElementPath(steps: steps, tag: element.tag),
                      characterSet: characterSet, to: &emitter)
        }
    }

    private func write<Sink>(_ element: DataElement, in dataSet: DataSet, path: ElementPath,
                             characterSet: SpecificCharacterSet, to emitter: inout XMLEmitter<Sink>) throws {
        let rendered = try RenderedElement(element, characterSet: characterSet)
        let tag = element.tag
        var attributes = [("tag", tag.hex), ("vr", rendered.vr.rawValue)]
        var creator: String?
        if let creatorTag = tag.privateCreatorTag, let creatorElement = dataSet[creatorTag] {
            let bytes = try creatorElement.loadBytes()
            let text = characterSet.decode(TextValue.trimmingPadding(bytes[...], vr: .LO), vr: .LO)
            creator = TextValue.strip(text[...], vr: .LO)
        }
        if options.includeKeywords {
            let keyword: String?
            if tag.isPrivate {
                keyword = creator.flatMap { DataDictionary.privateEntry(creator: $0, tag: tag)?.keyword }
            } else {
                keyword = DataDictionary.entry(for: tag)?.keyword
            }
            if let keyword, !keyword.isEmpty { attributes.append(("keyword", keyword)) }
        }
        if let creator { attributes.append(("privateCreator", creator)) }

        if case .empty = rendered.value {
            try emitter.empty("DicomAttribute", attributes)
            return
        }
        try emitter.open("DicomAttribute", attributes)
        switch rendered.value {
        case .empty:
            break
        case .strings(let values):
            for (index, value) in values.enumerated() {
                if let value {
                    try emitter.leaf("Value", [("number", String(index + 1))], text: value)
                } else {
                    try emitter.empty("Value", [("number", String(index + 1))])
                }
            }
        case .numbers(let numbers):
            for (index, number) in numbers.enumerated() {
                let text = switch number {
                case .finite(let text): text
                case .nan: "NaN"
                case .infinity: "INF"
                case .negativeInfinity: "-INF"
                }
                try emitter.leaf("Value", [("number", String(index + 1))], text: text)
            }
        case .personNames(let names):
            for (index, groups) in names.enumerated() {
                let number = [("number", String(index + 1))]
                guard let groups else {
                    try emitter.empty("PersonName", number)
                    continue
                }
                try emitter.open("PersonName", number)
                try writePersonName(groups, to: &emitter)
                try emitter.close("PersonName")
            }
        case .items(let items):
            for (index, item) in items.enumerated() {
                let number = [("number", String(index + 1))]
                if item.isEmpty {
                    try emitter.empty("Item", number)
                    continue
                }
                try emitter.open("Item", number)
                try writeAttributes(of: item, steps: path.steps + [ElementPath.Step(sequence: tag, item: index)],
                                    inherited: characterSet, to: &emitter)
                try emitter.close("Item")
            }
        case .bulk(let storage):
            if let uri = options.bulkDataURI?(path, element) {
                try emitter.empty("BulkData", [("uri", uri)])
            } else {
                try emitter.openText("InlineBinary")
                try InlineBinary.stream(storage) { try emitter.content($0) }
                try emitter.closeText("InlineBinary")
            }
        case .encapsulated(let pixels):
            if let uri = options.bulkDataURI?(path, element) {
                try emitter.empty("BulkData", [("uri", uri)])
            } else {
                try emitter.openText("InlineBinary")
                try InlineBinary.stream(pixels) { try emitter.content($0) }
                try emitter.closeText("InlineBinary")
            }
        }
        try emitter.close("DicomAttribute")
    }

    /// Groups and components (PS3.19 A.1.5, Table A.1.5-2). Empty groups and components are left
    /// out, except the last of each, so that "Doe^John^^^" or "A==" read back as written; a sixth
    /// or later component (not valid PN) stays in NameSuffix with its carets.
    private func writePersonName<Sink>(_ groups: [String], to emitter: inout XMLEmitter<Sink>) throws {
        let groupCount = min(groups.count, 3)
        for groupIndex in 0..<groupCount {
            let group = groupIndex == 2 ? groups[2...].joined(separator: "=") : groups[groupIndex]
            let name = PersonNameGroups.names[groupIndex]
            if group.isEmpty {
                if groupIndex == groupCount - 1 { try emitter.empty(name) }
                continue
            }
            try emitter.open(name)
            let components = group.split(separator: "^", omittingEmptySubsequences: false)
            let componentCount = min(components.count, 5)
            for index in 0..<componentCount {
                let text = index == 4 ? components[4...].joined(separator: "^") : String(components[index])
                let componentName = PersonNameGroups.componentNames[index]
                if !text.isEmpty {
                    try emitter.leaf(componentName, text: text)
                } else if index == componentCount - 1 {
                    try emitter.empty(componentName)
                }
            }
            try emitter.close(name)
        }
    }
}
