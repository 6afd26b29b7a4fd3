/// The preamble and file meta information of a Part 10 file, and where its data set starts:
/// what a sender needs to pass the data set on as it is, without parsing it (PS3.10 7.1).
public struct DICOMFileHeader: Sendable, Equatable {
    public var meta: DataSet
    public var transferSyntax: TransferSyntax
    /// The byte offset of the first data set element.
    public var dataSetOffset: Int
    /// The file's length in bytes.
    public var fileLength: Int

    public var sopClassUID: String? { meta.string(.mediaStorageSOPClassUID) }
    public var sopInstanceUID: String? { meta.string(.mediaStorageSOPInstanceUID) }

    /// Reads the header only. Files without a transfer syntax in their meta group are refused:
    /// a sender must know how the data set is encoded.
    public init(contentsOf path: String) throws {
        let reader = try ByteReader(path: path)
        let preamble = try reader.peek(132)
        guard preamble.count == 132, Array(preamble.suffix(4)) == Array("DICM".utf8) else {
            throw DICOMParseError(offset: min(128, reader.length), .notPart10(found: "no \"DICM\" after a 128-byte preamble"))
        }
        try reader.skip(132, "the preamble")
        let parser = DataSetParser(reader: reader, bigEndian: false, deferThreshold: nil)
        meta = try parser.parseDataSet(explicitVR: true, end: .endOfStream, stopBefore: { $0.group != 0x0002 })
        guard let uid = meta.string(.transferSyntaxUID), !uid.isEmpty else {
            throw DICOMParseError(offset: reader.position, .missingTransferSyntax)
        }
        transferSyntax = TransferSyntax(uid: uid)
        dataSetOffset = reader.position
        fileLength = reader.length
    }
}
