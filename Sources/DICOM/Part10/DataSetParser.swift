/// Parses data elements from a byte stream in one encoding (PS3.5 7): explicit or implicit VR,
/// little or big endian, with nested sequences of defined and undefined length and encapsulated
/// pixel data. Large byte values are left in the file (`FileRegion`) when the stream is a file.
///
/// Lenient where real files need it and pydicom/DCMTK are too: an element whose VR bytes are not
/// letters is read as implicit VR (some writers switch inside sequences), UN of a known tag takes
/// the dictionary VR, UN of undefined length is a sequence in implicit VR (PS3.5 6.2.2), and an
/// encapsulated value that ends at end of file without its delimiter is accepted.
struct DataSetParser {
    let reader: ByteReader
    let bigEndian: Bool
    /// Byte values at least this long are deferred when the stream is a file; nil keeps all in memory.
    let deferThreshold: Int?
    static let maximumDepth = 64

    /// Where a data set ends.
    enum End {
        case endOfStream
        case offset(Int)
        case itemDelimiter
    }

    private static let undefinedLength: UInt32 = 0xFFFF_FFFF

    /// Reads elements until `end`. `explicitVR` may be overridden per element as described above.
    func parseDataSet(explicitVR: Bool, end: End, parents: [DataSet] = [], depth: Int = 0,
                      stopBefore: ((Tag) -> Bool)? = nil) throws -> DataSet {
        guard depth <= Self.maximumDepth else {
            throw DICOMParseError(offset: reader.position, .nestingTooDeep(limit: Self.maximumDepth))
        }
        var dataSet = DataSet()
        while true {
            switch end {
            case .endOfStream:
                if reader.isAtEnd { return dataSet }
            case .offset(let limit):
                if reader.position >= limit { return dataSet }
            case .itemDelimiter:
                break
            }
            let elementStart = reader.position
            let tag = try readTag("a data element tag")
            if let stopBefore, stopBefore(tag) {
                try rewind(to: elementStart)
                return dataSet
            }
            if tag == .itemDelimitation {
                _ = try reader.readUInt32(bigEndian: bigEndian, "the length of \(tag)")
                if case .itemDelimiter = end { return dataSet }
                // A stray item delimiter inside a defined-length item: DCMTK and pydicom skip it.
                continue
            }
            if tag == .sequenceDelimitation || tag == .item {
                throw DICOMParseError(offset: elementStart, .unexpectedTag(found: tag, expected: "a data element"))
            }
            let element = try parseElement(tag: tag, explicitVR: explicitVR, context: dataSet, parents: parents, depth: depth)
            dataSet.insert(element)
            if case .offset(let limit) = end, reader.position > limit {
                throw DICOMParseError(offset: elementStart, .valuePastEnd(
                    tag: tag, length: UInt32(clamping: reader.position - elementStart), available: limit - elementStart))
            }
        }
    }

    private func rewind(to offset: Int) throws {
        // Only used right after reading a 4-byte tag; the buffer still holds it.
        try reader.rewind(by: reader.position - offset)
    }

    private func readTag(_ what: String) throws -> Tag {
        let group = try reader.readUInt16(bigEndian: bigEndian, what)
        let element = try reader.readUInt16(bigEndian: bigEndian, what)
        return Tag(group, element)
    }

    private func parseElement(tag: Tag, explicitVR: Bool, context: DataSet, parents: [DataSet], depth: Int) throws -> DataElement {
        var vr: VR?
        var length: UInt32
        var explicitHere = explicitVR
        if explicitVR {
            let vrBytes = try reader.peek(2)
            guard vrBytes.count == 2 else {
                throw DICOMParseError(offset: reader.position, .truncated(reading: "the VR of \(tag)", expected: 2, available: vrBytes.count))
            }
            let b0 = vrBytes[vrBytes.startIndex], b1 = vrBytes[vrBytes.startIndex + 1]
            if (0x41...0x5A).contains(b0), (0x41...0x5A).contains(b1) {
                guard let explicit = VR(bytes: b0, b1) else {
                    throw DICOMParseError(offset: reader.position, .invalidVR(tag: tag, bytes: [b0, b1]))
                }
                try reader.skip(2, "the VR of \(tag)")
                vr = explicit
                if explicit.hasLongExplicitLength {
                    try reader.skip(2, "the reserved bytes of \(tag)")
                    length = try reader.readUInt32(bigEndian: bigEndian, "the length of \(tag)")
                } else {
                    length = UInt32(try reader.readUInt16(bigEndian: bigEndian, "the length of \(tag)"))
                }
            } else {
                explicitHere = false
                length = try reader.readUInt32(bigEndian: bigEndian, "the length of \(tag)")
            }
        } else {
            length = try reader.readUInt32(bigEndian: bigEndian, "the length of \(tag)")
        }
        let valueOffset = reader.position

        // Settle the VR: implicit elements take it from the dictionary, UN takes a known one.
        let resolved: VR
        switch vr {
        case nil:
            resolved = try implicitVR(for: tag, length: length, context: context, parents: parents)
        case .UN?:
            resolved = knownVR(forUN: tag, length: length, context: context, parents: parents) ?? .UN
        case let explicit?:
            resolved = explicit
        }

        if length == Self.undefinedLength {
            if resolved == .SQ || (vr == .UN && resolved == .UN) {
                // UN of undefined length is a sequence in implicit VR little endian (PS3.5 6.2.2).
                let itemsExplicit = vr == .UN ? false : explicitHere
                let items = try parseItems(end: .itemDelimiter, explicitVR: itemsExplicit,
                                           context: context, parents: parents, depth: depth, owner: tag)
                return DataElement(tag: tag, vr: .SQ, value: .sequence(items))
            }
            let fragments = try parseFragments(owner: tag, vr: resolved)
            return DataElement(tag: tag, vr: resolved, value: .encapsulated(fragments))
        }

        let available = reader.remaining
        if resolved == .SQ {
            // A UN value re-read as SQ was encoded in implicit VR little endian.
            let itemsExplicit = vr == .UN ? false : explicitHere
            // A sequence whose length overshoots the end of the file is read to the end, as DCMTK
            // does: its elements must still be whole, so no value is ever cut short.
            let end = valueOffset + min(Int(length), available)
            let items = try parseItems(end: .offset(end), explicitVR: itemsExplicit,
                                       context: context, parents: parents, depth: depth, owner: tag)
            return DataElement(tag: tag, vr: .SQ, value: .sequence(items))
        }
        guard Int(length) <= available else {
            throw DICOMParseError(offset: valueOffset, .valuePastEnd(tag: tag, length: length, available: available))
        }
        return DataElement(tag: tag, vr: resolved, value: .bytes(try readValue(length: Int(length), vr: resolved, tag: tag)))
    }

    private func readValue(length: Int, vr: VR, tag: Tag) throws -> ByteStorage {
        let swap = bigEndian ? vr.binaryWordSize : nil
        if let deferThreshold, let path = reader.path, length >= deferThreshold, vr.isBulk || vr.binaryWordSize != nil {
            let region = FileRegion(path: path, offset: UInt64(reader.position), length: UInt64(length), swapWordSize: swap)
            try reader.skip(length, "the value of \(tag)")
            return .file(region)
        }
        var bytes = Array(try reader.read(length, "the value of \(tag)"))
        if let swap { ByteOrder.swapInPlace(&bytes, wordSize: swap) }
        return .inline(bytes)
    }

    /// Items of a sequence, each a data set of defined or undefined length (PS3.5 7.5).
    private func parseItems(end: End, explicitVR: Bool, context: DataSet, parents: [DataSet], depth: Int, owner: Tag) throws -> [DataSet] {
        var items: [DataSet] = []
        let nestedParents = parents + [context]
        while true {
            if case .offset(let limit) = end, reader.position >= limit { return items }
            let itemStart = reader.position
            let tag = try readTag("an item tag in \(owner)")
            let length = try reader.readUInt32(bigEndian: bigEndian, "the length of an item in \(owner)")
            switch tag {
            case .sequenceDelimitation:
                if case .itemDelimiter = end { return items }
                continue
            case .item:
                if length == Self.undefinedLength {
                    items.append(try parseDataSet(explicitVR: explicitVR, end: .itemDelimiter, parents: nestedParents, depth: depth + 1))
                } else {
                    // Read an item that overshoots the end of the file to the end (see above).
                    let itemEnd = reader.position + min(Int(length), reader.remaining)
                    if case .offset(let limit) = end, itemEnd > limit {
                        throw DICOMParseError(offset: itemStart, .valuePastEnd(tag: tag, length: length, available: limit - reader.position))
                    }
                    items.append(try parseDataSet(explicitVR: explicitVR, end: .offset(itemEnd), parents: nestedParents, depth: depth + 1))
                }
            default:
                throw DICOMParseError(offset: itemStart, .unexpectedTag(found: tag, expected: "an item (FFFE,E000) of \(owner)"))
            }
        }
    }

    /// Encapsulated pixel data (PS3.5 A.4): items of defined length up to the sequence delimiter.
    private func parseFragments(owner: Tag, vr: VR) throws -> EncapsulatedPixelData {
        var items: [ByteStorage] = []
        while true {
            // pydicom and DCMTK accept encapsulated data whose delimiter is missing at the end of the file.
            if reader.isAtEnd { break }
            let itemStart = reader.position
            let tag = try readTag("a fragment tag in \(owner)")
            let length = try reader.readUInt32(bigEndian: bigEndian, "the length of a fragment in \(owner)")
            if tag == .sequenceDelimitation { break }
            guard tag == .item else {
                throw DICOMParseError(offset: itemStart, .unexpectedTag(found: tag, expected: "a fragment item (FFFE,E000) of \(owner)"))
            }
            guard length != Self.undefinedLength else {
                throw DICOMParseError(offset: itemStart, .undefinedLengthNotAllowed(tag: owner, vr: vr))
            }
            guard Int(length) <= reader.remaining else {
                throw DICOMParseError(offset: reader.position, .valuePastEnd(tag: tag, length: length, available: reader.remaining))
            }
            items.append(try readValue(length: Int(length), vr: .OB, tag: owner))
        }
        guard let first = items.first else {
            return EncapsulatedPixelData(basicOffsetTable: .inline([]), fragments: [])
        }
        return EncapsulatedPixelData(basicOffsetTable: first, fragments: Array(items.dropFirst()))
    }

    // MARK: - VR of implicit and UN elements

    /// PS3.5 6.2.2 and 7.8: group lengths are UL, private creators LO, private elements from the
    /// private dictionary of their creator (else UN), public ones from the data dictionary.
    private func implicitVR(for tag: Tag, length: UInt32, context: DataSet, parents: [DataSet]) throws -> VR {
        if tag.isPrivate {
            return privateVR(for: tag, context: context, length: length)
        }
        if let entry = DataDictionary.entry(for: tag) {
            return resolve(entry, tag: tag, context: context, parents: parents, explicitVR: false, length: length)
        }
        if tag.isGroupLength { return .UL }
        if length == Self.undefinedLength, try looksLikeItems() { return .SQ }
        return .UN
    }

    private func knownVR(forUN tag: Tag, length: UInt32, context: DataSet, parents: [DataSet]) -> VR? {
        if tag.isPrivate {
            let vr = privateVR(for: tag, context: context, length: length)
            return vr == .UN ? nil : vr
        }
        // Like pydicom, only values shorter than 64 KiB are re-interpreted: a long UN value may
        // not fit the short length field of its real VR.
        guard length == Self.undefinedLength || length < 0xFFFF, let entry = DataDictionary.entry(for: tag) else { return nil }
        return resolve(entry, tag: tag, context: context, parents: parents, explicitVR: true, length: length)
    }

    private func privateVR(for tag: Tag, context: DataSet, length: UInt32) -> VR {
        if tag.isPrivateCreator { return .LO }
        if let creatorTag = tag.privateCreatorTag, let creator = context[creatorTag]?.string,
           let entry = DataDictionary.privateEntry(creator: creator, tag: tag) {
            return entry.vr
        }
        if length == Self.undefinedLength, (try? looksLikeItems()) == true { return .SQ }
        return .UN
    }

    private func resolve(_ entry: DictionaryEntry, tag: Tag, context: DataSet, parents: [DataSet], explicitVR: Bool, length: UInt32) -> VR {
        AmbiguousVR.resolve(tag, candidates: entry.vrs, in: context, parents: parents, explicitVR: explicitVR,
                            undefinedLength: length == Self.undefinedLength)
    }

    /// An undefined-length value of unknown VR is a sequence if it starts with an item tag.
    private func looksLikeItems() throws -> Bool {
        let next = try reader.peek(4)
        guard next.count == 4 else { return false }
        let i = next.startIndex
        let group = bigEndian ? UInt16(next[i]) << 8 | UInt16(next[i + 1]) : UInt16(next[i + 1]) << 8 | UInt16(next[i])
        let element = bigEndian ? UInt16(next[i + 2]) << 8 | UInt16(next[i + 3]) : UInt16(next[i + 3]) << 8 | UInt16(next[i + 2])
        return Tag(group, element) == .item
    }
}
