extension DataSet {
    /// Decodes a bare data set, as it travels in a DIMSE message (PS3.7 6.3.1): no preamble or
    /// meta group, encoded in `transferSyntax`. Deflated data sets are inflated first.
    public init(decoding bytes: [UInt8], transferSyntax: TransferSyntax) throws {
        var plain = bytes
        if transferSyntax.isDeflated {
            do {
                plain = try Deflate.inflate(bytes)
            } catch {
                throw DICOMParseError(offset: 0, .deflate(error.message))
            }
        }
        let reader = ByteReader(bytes: plain)
        let parser = DataSetParser(reader: reader, bigEndian: transferSyntax.isBigEndian, deferThreshold: nil)
        self = try parser.parseDataSet(explicitVR: transferSyntax.isExplicitVR, end: .endOfStream)
    }

    /// Encodes a bare data set in `transferSyntax`, deflating it when the syntax says so.
    public func encoded(in transferSyntax: TransferSyntax) throws -> [UInt8] {
        var sink = ByteArraySink()
        try encode(in: transferSyntax, into: &sink)
        return sink.bytes
    }

    /// Encodes a bare data set in `transferSyntax` into `sink` as it goes: deferred values
    /// stream from their file, so a file sink holds no more than its buffer.
    public func encode<Sink: ByteSink>(in transferSyntax: TransferSyntax, into sink: inout Sink) throws {
        guard transferSyntax.isDeflated else {
            return try DataSetEncoder(transferSyntax).encode(self, into: &sink)
        }
        let deflating = try DeflatingSink(sink)
        var forwarding = deflating
        try DataSetEncoder(explicitVR: true).encode(self, into: &forwarding)
        try deflating.finish()
        sink = deflating.inner
    }
}
