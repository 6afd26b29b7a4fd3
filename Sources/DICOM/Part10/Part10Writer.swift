/// Writes a Part 10 file to a sink element by element, so that a large value can be produced a
/// piece at a time (a multi-frame Pixel Data a frame at a time) and never held whole: the
/// preamble and meta group first, then elements in tag order, as the caller hands them over.
public struct Part10Writer<Sink: ByteSink> {
    private let encoder: DataSetEncoder
    private var sink: Sink
    /// Set for the Deflated syntax: the data set (not the meta group) goes through it (PS3.5 A.5).
    private let deflating: DeflatingSink<Sink>?

    /// Writes a zeroed preamble (CVE-2019-11687), "DICM" and `fileMeta`, which must be the meta
    /// group as written (`DICOMFile.metaForWriting()`, which names `transferSyntax`).
    public init(into sink: Sink, fileMeta: DataSet, transferSyntax: TransferSyntax) throws {
        var sink = sink
        try sink.write([UInt8](repeating: 0, count: 128) + Array("DICM".utf8))
        try DataSetEncoder(explicitVR: true).encode(fileMeta, into: &sink)
        if transferSyntax.isDeflated {
            deflating = try DeflatingSink(sink)
            encoder = DataSetEncoder(explicitVR: true)
        } else {
            deflating = nil
            encoder = DataSetEncoder(transferSyntax)
        }
        self.sink = sink
    }

    /// One whole element, its deferred values streamed from their file.
    public mutating func write(_ element: DataElement) throws {
        if var deflating {
            try encoder.encode(element, into: &deflating)
        } else {
            try encoder.encode(element, into: &sink)
        }
    }

    /// Starts a value of known length whose bytes follow through `writeValueBytes`; `length` must
    /// be even and the bytes must add up to it.
    public mutating func beginValue(_ tag: Tag, vr: VR, length: Int) throws {
        guard length < 0xFFFF_FFFF else { throw DICOMEncodingError.valueTooLong(tag: tag, length: length) }
        try emit(encoder.header(tag, vr: vr, length: UInt32(length)))
    }

    /// Part of a value begun with `beginValue`, little endian and in whole words of `vr`
    /// (byte-swapped here for big endian).
    public mutating func writeValueBytes(_ bytes: [UInt8], vr: VR) throws {
        if encoder.bigEndian, let word = vr.binaryWordSize {
            var swapped = bytes
            ByteOrder.swapInPlace(&swapped, wordSize: word)
            try emit(swapped)
        } else {
            try emit(bytes)
        }
    }

    /// Starts encapsulated pixel data (PS3.5 A.4): undefined length, then the Basic Offset Table
    /// item and the fragments through `writeItem`, then `endEncapsulated`.
    public mutating func beginEncapsulated(_ tag: Tag, vr: VR = .OB) throws {
        try emit(encoder.header(tag, vr: vr, length: 0xFFFF_FFFF))
    }

    /// One item of encapsulated pixel data, padded to even length.
    public mutating func writeItem(_ bytes: [UInt8]) throws {
        let padded = bytes.count % 2
        guard bytes.count + padded < 0xFFFF_FFFF else { throw DICOMEncodingError.valueTooLong(tag: .item, length: bytes.count) }
        try emit(encoder.delimiter(.item, length: UInt32(bytes.count + padded)))
        try emit(bytes)
        if padded == 1 { try emit([0]) }
    }

    public mutating func endEncapsulated() throws {
        try emit(encoder.delimiter(.sequenceDelimitation, length: 0))
    }

    /// Ends the deflated stream if there is one, and gives the sink back (to flush or sync).
    public consuming func finish() throws -> Sink {
        guard let deflating else { return sink }
        try deflating.finish()
        return deflating.inner
    }

    private mutating func emit(_ bytes: [UInt8]) throws {
        if let deflating {
            try deflating.write(bytes)
        } else {
            try sink.write(bytes)
        }
    }
}
