/// Reads data sets from the Native DICOM Model (PS3.19 A.1), as `DICOMXMLWriter`, DCMTK's
/// `dcm2xml --native-format` and dcm4che's `dcm2xml` write it.
///
/// - Values are matched to their "number"; missing numbers are empty values.
/// - Text is encoded as `DICOMJSONReader` encodes it: in the document's Specific Character Set
///   when it can hold every string, else UTF-8 with (0008,0005) "ISO_IR 192".
/// - Private data elements: a full tag (DCMTK) is kept; a tag with the block number left out,
///   "gggg00ee" with a privateCreator (dcm4che), is placed in the block that creator reserves
///   in the data set, reserving the first free block if it has none.
/// - `<InlineBinary>` is decoded; for Pixel Data (7FE0,0010) a sequence of items becomes
///   encapsulated pixel data again, as do dcm4che's `<DataFragment>` elements.
/// - `<BulkData uri>` is fetched through `bulkDataResolver` (a "uuid" alone is passed as
///   "urn:uuid:…"); without one it is an error.
public struct DICOMXMLReader: Sendable {
    public var bulkDataResolver: BulkDataResolver?

    public init(bulkDataResolver: BulkDataResolver? = nil) {
        self.bulkDataResolver = bulkDataResolver
    }

    public func read(_ bytes: [UInt8]) throws -> DataSet {
        let root: XMLNode
        do {
            root = try XMLDocumentParser.parse(bytes)
        } catch {
            throw DICOMXMLError.malformedXML(line: error.line, column: error.column, reason: error.reason)
        }
        guard root.name == "NativeDicomModel" else { throw DICOMXMLError.notNativeDicomModel(root: root.name) }
        let attributes = try attributes(in: root, steps: [])
        do {
            return try DataSetAssembler(resolver: bulkDataResolver).assemble(attributes)
        } catch let failure as AssemblyFailure {
            throw DICOMXMLError.invalidAttribute(failure.path, failure.problem)
        }
    }

    public func read(_ text: String) throws -> DataSet {
        try read(Array(text.utf8))
    }

    /// Values numbered beyond this are refused rather than allocated.
    static let maximumValueNumber = 1 << 24

    // MARK: From XML elements to attributes

    private func attributes(in node: XMLNode, steps: [ElementPath.Step]) throws -> [ParsedAttribute] {
        var attributes: [ParsedAttribute] = []
        var creators: [(index: Int, privateCreator: String)] = []
        for child in node.children where child.name == "DicomAttribute" {
            let tag: Tag
            if let text = child.attribute("tag") {
                guard text.utf8.count == 8, let parsed = Tag(text) else { throw DICOMXMLError.invalidTag(text, steps: steps) }
                tag = parsed
            } else if let keyword = child.attribute("keyword"), let known = DataDictionary.tag(forKeyword: keyword) {
                tag = known
            } else {
                throw DICOMXMLError.invalidTag(nil, steps: steps)
            }
            let path = ElementPath(steps: steps, tag: tag)
            let vr: VR
            if let name = child.attribute("vr") {
                guard let known = VR(rawValue: name) else { throw DICOMXMLError.invalidAttribute(path, .unknownVR(name)) }
                vr = known
            } else if let entry = DataDictionary.entry(for: tag), !tag.isPrivate || tag.isPrivateCreator {
                vr = entry.vr
            } else {
                throw DICOMXMLError.invalidAttribute(path, .missingVR)
            }
            if let creator = child.attribute("privateCreator"), tag.isPrivate {
                creators.append((attributes.count, creator))
            }
            attributes.append(ParsedAttribute(tag: tag, vr: vr, content: try content(of: child, vr: vr, path: path)))
        }
        if !creators.isEmpty {
            try placePrivateElements(&attributes, creators: creators, steps: steps)
        }
        return attributes
    }

    private func content(of node: XMLNode, vr: VR, path: ElementPath) throws -> ParsedAttribute.Content {
        func problem(_ problem: AttributeProblem) -> DICOMXMLError { .invalidAttribute(path, problem) }
        var values: [(Int?, XMLNode)] = []
        var kinds = Set<String>()
        for child in node.children {
            switch child.name {
            case "Value", "PersonName", "Item", "DataFragment":
                kinds.insert(child.name)
                values.append((try number(of: child, path: path), child))
            case "InlineBinary", "BulkData":
                kinds.insert(child.name)
                values.append((nil, child))
            default:
                continue
            }
        }
        guard kinds.count <= 1 else {
            throw problem(.unexpectedContent(expected: "one kind of content", found: kinds.sorted().joined(separator: " and ")))
        }
        guard let kind = kinds.first else { return .empty }
        switch kind {
        case "InlineBinary":
            guard values.count == 1 else { throw problem(.unexpectedContent(expected: "one InlineBinary", found: "\(values.count)")) }
            guard let bytes = Base64.decode(values[0].1.text) else { throw problem(.invalidBase64) }
            return .inlineBinary(bytes)
        case "BulkData":
            guard values.count == 1 else { throw problem(.unexpectedContent(expected: "one BulkData", found: "\(values.count)")) }
            return .bulkDataURI(try bulkDataURI(values[0].1, path: path))
        case "Item":
            guard vr == .SQ else { throw problem(.unexpectedContent(expected: "Value", found: "Item")) }
            let ordered = try ordered(values, path: path)
            return .items(try ordered.enumerated().map { index, item in
                guard let item else { return [] }
                return try attributes(in: item, steps: path.steps + [ElementPath.Step(sequence: path.tag, item: index)])
            })
        case "PersonName":
            return .personNames(try ordered(values, path: path).map { $0.flatMap(personName) })
        case "DataFragment":
            var fragments: [ByteStorage] = []
            for fragment in try ordered(values, path: path) {
                guard let binary = fragment?.children.first(where: { $0.name == "InlineBinary" }) else {
                    fragments.append(.inline([]))
                    continue
                }
                guard let bytes = Base64.decode(binary.text) else { throw problem(.invalidBase64) }
                fragments.append(.inline(bytes))
            }
            return .encapsulated(EncapsulatedPixelData(basicOffsetTable: fragments.first ?? .inline([]),
                                                       fragments: Array(fragments.dropFirst())))
        default:
            let texts = try ordered(values, path: path).map { node -> String? in
                guard let node else { return nil }
                return node.text.isEmpty ? nil : node.text
            }
            return vr == .PN ? .personNames(texts) : .values(texts)
        }
    }

    private func number(of node: XMLNode, path: ElementPath) throws -> Int? {
        guard let text = node.attribute("number") else { return nil }
        guard let number = Int(NumberText.trimmingSpaces(text)), number >= 1, number <= Self.maximumValueNumber else {
            throw DICOMXMLError.invalidAttribute(path, .unexpectedContent(expected: "a number from 1 for <\(node.name)>", found: "number=\"\(text.prefix(20))\""))
        }
        return number
    }

    /// Children placed by their "number" (those without one follow the one before); gaps are nil.
    private func ordered(_ values: [(Int?, XMLNode)], path: ElementPath) throws -> [XMLNode?] {
        var placed: [XMLNode?] = []
        var next = 1
        for (number, node) in values {
            let position = number ?? next
            if position > placed.count { placed.append(contentsOf: repeatElement(nil, count: position - placed.count)) }
            guard placed[position - 1] == nil else {
                throw DICOMXMLError.invalidAttribute(path, .unexpectedContent(expected: "one <\(node.name)> per number", found: "two numbered \(position)"))
            }
            placed[position - 1] = node
            next = position + 1
        }
        return placed
    }

    /// Groups and components back to the name's text, up to the last group and component given.
    private func personName(_ node: XMLNode) -> String? {
        var groups = ["", "", ""]
        var groupCount = 0
        for child in node.children {
            guard let groupIndex = PersonNameGroups.names.firstIndex(of: child.name) else { continue }
            var components = ["", "", "", "", ""]
            var componentCount = 0
            for component in child.children {
                guard let index = PersonNameGroups.componentNames.firstIndex(of: component.name) else { continue }
                components[index] = component.text
                componentCount = max(componentCount, index + 1)
            }
            groups[groupIndex] = components.prefix(componentCount).joined(separator: "^")
            groupCount = max(groupCount, groupIndex + 1)
        }
        let text = groups.prefix(groupCount).joined(separator: "=")
        return text.isEmpty ? nil : text
    }

    private func bulkDataURI(_ node: XMLNode, path: ElementPath) throws -> String {
        if let uri = node.attribute("uri") { return uri }
        if let uuid = node.attribute("uuid") { return "urn:uuid:" + uuid }
        throw DICOMXMLError.invalidAttribute(path, .unexpectedContent(expected: "a uri for <BulkData>", found: "none"))
    }

    /// Puts private data elements given as (gggg,00ee) with a privateCreator (dcm4che, DCMTK) into
    /// the block their creator reserves, reserving the first free one if none does; for full tags,
    /// adds a missing creator element. The short tag of a private element may equal the tag of a
    /// creator element ((0011,0010) for (0011,1010)): only attributes without privateCreator are
    /// taken as creator elements.
    private func placePrivateElements(_ attributes: inout [ParsedAttribute], creators: [(index: Int, privateCreator: String)],
                                      steps: [ElementPath.Step]) throws {
        let privateIndices = Set(creators.map(\.index))
        var reserved: [Tag: String] = [:]
        for (index, attribute) in attributes.enumerated() where attribute.tag.isPrivateCreator && !privateIndices.contains(index) {
            if case .values(let values) = attribute.content, let first = values.first, let name = first {
                reserved[attribute.tag] = NumberText.trimmingSpaces(name)
            }
        }
        for (index, creator) in creators {
            let tag = attributes[index].tag
            if tag.element >= 0x100 {
                guard let creatorTag = tag.privateCreatorTag, reserved[creatorTag] == nil else { continue }
                reserved[creatorTag] = creator
                attributes.append(ParsedAttribute(tag: creatorTag, vr: .LO, content: .values([creator])))
                continue
            }
            let block: UInt16
            if let existing = reserved.filter({ $0.key.group == tag.group && $0.value == creator }).keys.min() {
                block = existing.element
            } else {
                guard let free = (UInt16(0x10)...0xFF).first(where: { reserved[Tag(tag.group, $0)] == nil }) else {
                    throw DICOMXMLError.invalidAttribute(ElementPath(steps: steps, tag: tag), .noFreePrivateBlock(creator: creator))
                }
                block = free
                reserved[Tag(tag.group, free)] = creator
                attributes.append(ParsedAttribute(tag: Tag(tag.group, free), vr: .LO, content: .values([creator])))
            }
            attributes[index].tag = Tag(tag.group, block << 8 | tag.element & 0xFF)
        }
    }
}
