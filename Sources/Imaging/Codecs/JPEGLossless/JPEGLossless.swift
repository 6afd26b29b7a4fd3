/// JPEG Lossless, Non-Hierarchical (ITU T.81 process 14, Annex H), as DICOM carries it (PS3.5
/// A.4.1): one JPEG interchange stream per frame. Decoding takes any predictor (1.2.840.10008.1.2.4.57)
/// and returns the frame interleaved; encoding writes selection value 1, the syntax
/// 1.2.840.10008.1.2.4.70 requires and every reader of .57 also reads.
public struct JPEGLossless: FrameDecoder {
    public static let transferSyntaxUID = "1.2.840.10008.1.2.4.57"
    static let syntaxName = "JPEG Lossless"

    public init() {}

    public func decode(_ encoded: [UInt8], layout: FrameLayout) throws(CodecError) -> DecodedFrame {
        var decoder = JPEGLosslessDecoder(encoded, layout: layout, syntax: Self.syntaxName)
        return try decoder.decode()
    }
}

/// JPEG Lossless with first-order prediction (selection value 1) only: 1.2.840.10008.1.2.4.70,
/// the JPEG syntax every DICOM reader has to accept.
public struct JPEGLosslessFirstOrder: FrameDecoder, FrameEncoder {
    public static let transferSyntaxUID = "1.2.840.10008.1.2.4.70"
    static let syntaxName = "JPEG Lossless (selection value 1)"

    public init() {}

    /// Streams of other predictors are decoded too: the pixels are still exact, and refusing
    /// them would only lose data another writer labelled loosely.
    public func decode(_ encoded: [UInt8], layout: FrameLayout) throws(CodecError) -> DecodedFrame {
        var decoder = JPEGLosslessDecoder(encoded, layout: layout, syntax: Self.syntaxName)
        return try decoder.decode()
    }

    public func encode(_ native: [UInt8], layout: FrameLayout) throws(CodecError) -> EncodedFrame {
        try JPEGLosslessEncoder(syntax: Self.syntaxName).encode(native, layout: layout)
    }
}

/// JPEG markers the codecs use (T.81 Table B.1).
enum JPEGMarker {
    static let startOfImage: UInt8 = 0xD8
    static let endOfImage: UInt8 = 0xD9
    static let startOfScan: UInt8 = 0xDA
    static let defineHuffmanTables: UInt8 = 0xC4
    static let defineRestartInterval: UInt8 = 0xDD
    static let defineNumberOfLines: UInt8 = 0xDC
    static let losslessHuffmanFrame: UInt8 = 0xC3
    static let baselineFrame: UInt8 = 0xC0
    static let extendedHuffmanFrame: UInt8 = 0xC1
    static let defineQuantizationTables: UInt8 = 0xDB
    static let firstRestart: UInt8 = 0xD0

    /// Whether `marker` begins a frame header SOFn: 0xC0 to 0xCF but DHT (0xC4), JPG (0xC8,
    /// reserved) and DAC (0xCC, arithmetic conditioning).
    static func isStartOfFrame(_ marker: UInt8) -> Bool {
        (0xC0...0xCF).contains(marker) && marker != defineHuffmanTables && marker != 0xC8 && marker != 0xCC
    }

    /// A marker as written, for messages: 0xFFC0.
    static func name(_ marker: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "0xFF" + String(digits[Int(marker >> 4)]) + String(digits[Int(marker & 0x0F)])
    }
}
