/// JPEG 2000 (ISO/IEC 15444-1, PS3.5 A.4.4) and High-Throughput JPEG 2000 (ISO/IEC 15444-15,
/// PS3.5 A.4.11), decoded through OpenJPEG: each syntax's frames are a J2K codestream (or, from
/// some writers, a JP2 file). Rampart does not encode JPEG 2000.
public struct JPEG2000: FrameDecoder {
    /// The syntaxes this decoder reads, with their names for messages.
    static let syntaxNames: [String: String] = [
        "1.2.840.10008.1.2.4.90": "JPEG 2000 lossless",
        "1.2.840.10008.1.2.4.91": "JPEG 2000",
        "1.2.840.10008.1.2.4.201": "HTJ2K lossless",
        "1.2.840.10008.1.2.4.202": "HTJ2K lossless RPCL",
        "1.2.840.10008.1.2.4.203": "HTJ2K",
    ]

    let syntaxName: String

    /// The decoder of one of `syntaxNames`' transfer syntaxes, or nil for any other.
    public init?(transferSyntaxUID: String) {
        guard let name = Self.syntaxNames[transferSyntaxUID] else { return nil }
        syntaxName = name
    }

    public func decode(_ encoded: [UInt8], layout: FrameLayout) throws(CodecError) -> DecodedFrame {
        try OpenJPEG.decode(encoded, layout: layout, syntax: syntaxName)
    }
}
