/// A DICOM Part 10 file (PS3.10 7.1): preamble, file meta information, and the data set.
public struct DICOMFile: Sendable, Equatable {
    /// Group 0002, always explicit VR little endian.
    public var meta: DataSet
    public var dataSet: DataSet
    public var transferSyntax: TransferSyntax

    public init(meta: DataSet, dataSet: DataSet, transferSyntax: TransferSyntax) {
        self.meta = meta
        self.dataSet = dataSet
        self.transferSyntax = transferSyntax
    }

    /// How much of a file to bring into memory.
    public struct ReadOptions: Sendable {
        /// Byte values (pixel data and other bulk data) at least this long stay in the file until asked.
        public var deferValuesLargerThan: Int?

        public init(deferValuesLargerThan: Int? = 64 * 1024) {
            self.deferValuesLargerThan = deferValuesLargerThan
        }
    }

    /// Reads a file, leaving large values in it (see `ReadOptions`).
    public init(contentsOf path: String, options: ReadOptions = .init()) throws {
        try self.init(reader: ByteReader(path: path), options: options)
    }

    /// Reads a file held in memory.
    public init(bytes: [UInt8]) throws {
        try self.init(reader: ByteReader(bytes: bytes), options: .init(deferValuesLargerThan: nil))
    }

    private init(reader: ByteReader, options: ReadOptions) throws {
        let preamble = try reader.peek(132)
        guard preamble.count == 132, Array(preamble.suffix(4)) == Array("DICM".utf8) else {
            let found = preamble.count < 132
                ? "a file of \(reader.length) bytes"
                : preamble.suffix(4).map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : "." }.joined().debugDescription
            throw DICOMParseError(offset: min(128, reader.length), .notPart10(found: found))
        }
        try reader.skip(132, "the preamble")

        // The meta group is explicit VR little endian; like pydicom, read it up to the first element
        // outside group 0002 rather than trusting its group length.
        let metaParser = DataSetParser(reader: reader, bigEndian: false, deferThreshold: nil)
        meta = try metaParser.parseDataSet(explicitVR: true, end: .endOfStream, stopBefore: { $0.group != 0x0002 })

        let syntax: TransferSyntax
        if let uid = meta.string(.transferSyntaxUID), !uid.isEmpty {
            syntax = TransferSyntax(uid: uid)
        } else {
            syntax = try Self.guessTransferSyntax(reader)
        }
        transferSyntax = syntax

        if syntax.isDeflated {
            let compressed = try reader.readToEnd()
            let inflated: [UInt8]
            do {
                inflated = try Deflate.inflate(compressed)
            } catch {
                throw DICOMParseError(offset: reader.position - compressed.count, .deflate(error.message))
            }
            let inner = ByteReader(bytes: inflated)
            do {
                dataSet = try DataSetParser(reader: inner, bigEndian: false, deferThreshold: nil)
                    .parseDataSet(explicitVR: try Self.startsExplicit(inner, assumed: true), end: .endOfStream)
            } catch var error as DICOMParseError {
                error.inInflatedStream = true
                throw error
            }
        } else {
            let parser = DataSetParser(reader: reader, bigEndian: syntax.isBigEndian, deferThreshold: options.deferValuesLargerThan)
            dataSet = try parser.parseDataSet(explicitVR: try Self.startsExplicit(reader, assumed: syntax.isExplicitVR), end: .endOfStream)
        }
    }

    /// Without a transfer syntax in the meta group, the first element tells: VR letters mean explicit.
    private static func guessTransferSyntax(_ reader: ByteReader) throws -> TransferSyntax {
        try startsExplicit(reader, assumed: false) ? .explicitVRLittleEndian : .implicitVRLittleEndian
    }

    /// Whether the data set really starts in explicit VR, whatever the transfer syntax claims
    /// (pydicom and DCMTK both check the first element, as writers get this wrong).
    private static func startsExplicit(_ reader: ByteReader, assumed: Bool) throws -> Bool {
        let head = try reader.peek(6)
        guard head.count == 6 else { return assumed }
        let b0 = head[head.startIndex + 4], b1 = head[head.startIndex + 5]
        return (0x41...0x5A).contains(b0) && (0x41...0x5A).contains(b1)
    }
}
