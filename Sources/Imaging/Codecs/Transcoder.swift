import DICOM

/// Rewrites a data set's pixel data from one transfer syntax into another, frame by frame:
/// native syntaxes as the DICOM target writes them, and the encapsulated syntaxes Rampart has a
/// codec for. Lossless codecs make a pixel-exact copy. Attributes outside the Image Pixel module
/// are left as they are; the caller writes the result in the target syntax. For a whole file,
/// `transcode(_:to:into:)` writes it a frame at a time instead of holding every frame.
public struct Transcoder: Sendable {
    /// Native syntaxes differ only in how the data set is written, not in the pixel bytes the
    /// DICOM target holds (always little endian), so between them there is nothing to convert.
    static let nativeSyntaxes: [TransferSyntax] = [
        .implicitVRLittleEndian, .explicitVRLittleEndian, .deflatedExplicitVRLittleEndian, .explicitVRBigEndian,
    ]

    private static let extendedOffsetTable = Tag(0x7FE0, 0x0001)
    private static let extendedOffsetTableLengths = Tag(0x7FE0, 0x0002)
    private static let lossyImageCompression = Tag(0x0028, 0x2110)
    private static let lossyImageCompressionRatio = Tag(0x0028, 0x2112)
    private static let lossyImageCompressionMethod = Tag(0x0028, 0x2114)

    /// The quality lossy JPEG is written at, 1 to 100 (libjpeg's scale).
    public let jpegQuality: Int
    /// The largest error near-lossless JPEG-LS allows each sample (its NEAR).
    public let jpegLSNear: Int

    public init(jpegQuality: Int = JPEGBaseline.defaultQuality, jpegLSNear: Int = JPEGLSNearLossless.defaultNear) {
        self.jpegQuality = jpegQuality
        self.jpegLSNear = jpegLSNear
    }

    /// The decoder of an encapsulated syntax, if Rampart has one.
    static func decoder(for syntax: TransferSyntax) -> (any FrameDecoder)? {
        switch syntax.uid {
        case RLELossless.transferSyntaxUID: RLELossless()
        case JPEGLossless.transferSyntaxUID: JPEGLossless()
        case JPEGLosslessFirstOrder.transferSyntaxUID: JPEGLosslessFirstOrder()
        case JPEGLSLossless.transferSyntaxUID: JPEGLSLossless()
        case JPEGLSNearLossless.transferSyntaxUID: JPEGLSNearLossless()
        case JPEGBaseline.transferSyntaxUID: JPEGBaseline()
        case JPEGExtended.transferSyntaxUID: JPEGExtended()
        default: JPEG2000(transferSyntaxUID: syntax.uid)
        }
    }

    /// The encoder of an encapsulated syntax, if Rampart has one: JPEG Lossless is written with
    /// selection value 1 only, as .70 (which every reader of .57 also reads). Lossy JPEG is written
    /// at `jpegQuality`, near-lossless JPEG-LS with `jpegLSNear`.
    static func encoder(for syntax: TransferSyntax, jpegQuality: Int = JPEGBaseline.defaultQuality,
                        jpegLSNear: Int = JPEGLSNearLossless.defaultNear) -> (any FrameEncoder)? {
        switch syntax.uid {
        case RLELossless.transferSyntaxUID: RLELossless()
        case JPEGLosslessFirstOrder.transferSyntaxUID: JPEGLosslessFirstOrder()
        case JPEGLSLossless.transferSyntaxUID: JPEGLSLossless()
        case JPEGLSNearLossless.transferSyntaxUID: JPEGLSNearLossless(near: jpegLSNear)
        case JPEG2000Encoder.losslessUID: JPEG2000Encoder(lossless: true)
        case JPEG2000Encoder.lossyUID: JPEG2000Encoder(lossless: false)
        case JPEGBaseline.transferSyntaxUID: JPEGBaseline(quality: jpegQuality)
        case JPEGExtended.transferSyntaxUID: JPEGExtended(quality: jpegQuality)
        default: nil
        }
    }

    /// The syntaxes `transcode` reads, for messages.
    public static var decodableSyntaxes: [TransferSyntax] {
        nativeSyntaxes + TransferSyntax.known.filter { decoder(for: $0) != nil }
    }

    /// The syntaxes `transcode` writes, for messages.
    public static var encodableSyntaxes: [TransferSyntax] {
        nativeSyntaxes + TransferSyntax.known.filter { encoder(for: $0) != nil }
    }

    public func transcode(_ dataSet: DataSet, from source: TransferSyntax, to target: TransferSyntax) throws(TranscodeError) -> DataSet {
        let encoder = try checkedEncoder(from: source, to: target)
        guard Self.convertsPixels(from: source, to: target), dataSet[ImagingTag.pixelData] != nil else { return dataSet }
        let source = try SourceFrames(dataSet, syntax: source)
        var frames: [DecodedFrame] = []
        for number in 1...source.count { frames.append(try source.frame(number)) }

        var result = Self.withoutExtendedOffsetTable(dataSet)
        if let encoder {
            try Self.writeEncapsulated(frames, with: encoder, into: &result)
        } else {
            Self.writeNative(frames, into: &result)
        }
        return result
    }

    /// The encoder of `target` (nil for a native target), once both syntaxes are known to be supported.
    func checkedEncoder(from source: TransferSyntax, to target: TransferSyntax) throws(TranscodeError) -> (any FrameEncoder)? {
        let encoder = Self.encoder(for: target, jpegQuality: jpegQuality, jpegLSNear: jpegLSNear)
        guard Self.nativeSyntaxes.contains(source) || Self.decoder(for: source) != nil else { throw .unsupportedSyntax(source, reading: true) }
        guard Self.nativeSyntaxes.contains(target) || encoder != nil else { throw .unsupportedSyntax(target, reading: false) }
        return encoder
    }

    /// Whether the pixel bytes change between the syntaxes: not between two native ones, nor to the same syntax.
    static func convertsPixels(from source: TransferSyntax, to target: TransferSyntax) -> Bool {
        source != target && !(nativeSyntaxes.contains(source) && nativeSyntaxes.contains(target))
    }

    /// The Extended Offset Table describes the source's fragments, not the ones written.
    static func withoutExtendedOffsetTable(_ dataSet: DataSet) -> DataSet {
        var result = dataSet
        _ = result.remove(extendedOffsetTable)
        _ = result.remove(extendedOffsetTableLengths)
        return result
    }

    /// The frame layout the Image Pixel attributes describe; absent Samples per Pixel, Bits
    /// Stored and Pixel Representation take their usual defaults.
    static func layout(of dataSet: DataSet) throws(TranscodeError) -> FrameLayout {
        // The ranges the VRs (US) and PS3.3 allow, so that a frame's length cannot overflow.
        guard let rows = dataSet.int(ImagingTag.rows), (1...65535).contains(rows) else { throw .unusableAttribute("Rows", ImagingTag.rows) }
        guard let columns = dataSet.int(ImagingTag.columns), (1...65535).contains(columns) else {
            throw .unusableAttribute("Columns", ImagingTag.columns)
        }
        guard let bits = dataSet.int(ImagingTag.bitsAllocated), (1...64).contains(bits) else {
            throw .unusableAttribute("Bits Allocated", ImagingTag.bitsAllocated)
        }
        guard let photometric = dataSet.string(ImagingTag.photometricInterpretation), !photometric.isEmpty else {
            throw .unusableAttribute("Photometric Interpretation", ImagingTag.photometricInterpretation)
        }
        let samples = dataSet.int(ImagingTag.samplesPerPixel) ?? 1
        guard (1...4).contains(samples) else { throw .unusableAttribute("Samples per Pixel", ImagingTag.samplesPerPixel) }
        return FrameLayout(rows: rows, columns: columns, samplesPerPixel: samples, bitsAllocated: bits,
                           bitsStored: dataSet.int(ImagingTag.bitsStored) ?? bits, isSigned: dataSet.int(ImagingTag.pixelRepresentation) == 1,
                           isPlanar: samples > 1 && dataSet.int(ImagingTag.planarConfiguration) == 1, photometricInterpretation: photometric)
    }

    /// Frames joined into one Pixel Data value, padded to even length, with the layout the codec decoded to.
    private static func writeNative(_ frames: [DecodedFrame], into dataSet: inout DataSet) {
        guard let layout = frames.first?.layout else { return }
        var bytes = frames.flatMap(\.bytes)
        if bytes.count % 2 == 1 { bytes.append(0) }
        dataSet.insert(DataElement(tag: ImagingTag.pixelData, vr: nativeVR(layout), bytes: bytes))
        for element in nativeAttributes(layout) { dataSet.insert(element) }
    }

    static func nativeVR(_ layout: FrameLayout) -> VR { layout.bitsAllocated > 8 ? .OW : .OB }

    /// The Image Pixel attributes of native frames in `layout`.
    static func nativeAttributes(_ layout: FrameLayout) -> [DataElement] {
        [text(ImagingTag.photometricInterpretation, layout.photometricInterpretation)]
            + (layout.samplesPerPixel > 1 ? [unsignedShort(ImagingTag.planarConfiguration, layout.isPlanar ? 1 : 0)] : [])
    }

    /// One fragment per frame with a Basic Offset Table, so each frame can be found without the other.
    private static func writeEncapsulated(_ frames: [DecodedFrame], with encoder: any FrameEncoder,
                                          into dataSet: inout DataSet) throws(TranscodeError) {
        var fragments: [ByteStorage] = []
        var table: [UInt8] = []
        var offset = 0
        var encoded: EncodedFrame?
        let nativeLength = frames.reduce(0) { $0 + $1.bytes.count }
        for (index, frame) in frames.enumerated() {
            let frameBytes = try encode(frame, number: index + 1, with: encoder)
            for shift in stride(from: 0, to: 32, by: 8) { table.append(UInt8(truncatingIfNeeded: offset >> shift)) }
            offset += 8 + frameBytes.bytes.count
            fragments.append(.inline(frameBytes.bytes))
            encoded = frameBytes
        }
        // Offsets are 32-bit: past 4 GiB the table is left empty, and one fragment per frame still delimits the frames.
        if offset > Int(UInt32.max) { table = [] }
        dataSet.insert(DataElement(tag: ImagingTag.pixelData, vr: .OB,
                                   value: .encapsulated(EncapsulatedPixelData(basicOffsetTable: .inline(table), fragments: fragments))))
        guard let encoded, let layout = frames.first?.layout else { return }
        let attributes = encapsulatedAttributes(encoded, layout: layout, nativeLength: nativeLength, encodedLength: offset - 8 * frames.count)
        for element in attributes { dataSet.insert(element) }
    }

    /// Frame `number` compressed, padded to even length as a fragment must be (PS3.5 A.4).
    static func encode(_ frame: DecodedFrame, number: Int, with encoder: any FrameEncoder) throws(TranscodeError) -> EncodedFrame {
        var encoded: EncodedFrame
        do { encoded = try encoder.encode(frame.bytes, layout: frame.layout) } catch { throw .codec(frame: number, error) }
        if encoded.bytes.count % 2 == 1 { encoded.bytes.append(0) }
        return encoded
    }

    /// The Image Pixel and lossy compression attributes of frames encoded as `encoded` was, from
    /// native frames in `layout`; `nativeLength` and `encodedLength` are the totals over all frames.
    static func encapsulatedAttributes(_ encoded: EncodedFrame, layout: FrameLayout, nativeLength: Int, encodedLength: Int) -> [DataElement] {
        var attributes = [text(ImagingTag.photometricInterpretation, encoded.photometricInterpretation)]
        // Compressed samples are not in native planes; 0 is what readers expect of an encapsulated colour frame.
        if layout.samplesPerPixel > 1 { attributes.append(unsignedShort(ImagingTag.planarConfiguration, 0)) }
        guard let method = encoded.lossyMethod else { return attributes }
        attributes.append(text(lossyImageCompression, "01"))
        attributes.append(text(lossyImageCompressionMethod, method))
        // Native bytes over compressed bytes (PS3.3 C.7.6.1.1.5), a DS of at most 16 characters.
        let hundredths = nativeLength * 100 / max(1, encodedLength)
        let fraction = hundredths % 100
        var digits = Array("\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)".utf8.prefix(16))
        if digits.count % 2 == 1 { digits.append(0x20) }
        attributes.append(DataElement(tag: lossyImageCompressionRatio, vr: .DS, bytes: digits))
        return attributes
    }

    private static func text(_ tag: Tag, _ value: String) -> DataElement {
        var bytes = Array(value.utf8)
        if bytes.count % 2 == 1 { bytes.append(0x20) }
        return DataElement(tag: tag, vr: .CS, bytes: bytes)
    }

    private static func unsignedShort(_ tag: Tag, _ value: UInt16) -> DataElement {
        DataElement(tag: tag, vr: .US, bytes: [UInt8(value & 0xFF), UInt8(value >> 8)])
    }
}

/// Why a data set could not be transcoded.
public enum TranscodeError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupportedSyntax(TransferSyntax, reading: Bool)
    case unusableAttribute(String, Tag)
    /// The Pixel Data is not encoded as the file's transfer syntax says (native in an encapsulated syntax, or the reverse).
    case pixelDataNotIn(TransferSyntax)
    case frames(EncapsulatedFramesError)
    case nativeFrames(NativeFramesError)
    case codec(frame: Int, CodecError)
    /// Frames decoded to different lengths, so they cannot share one native Pixel Data value.
    case frameLengthChanged(frame: Int, length: Int, firstFrameLength: Int)

    public var description: String {
        switch self {
        case let .unsupportedSyntax(syntax, reading):
            "Rampart cannot \(reading ? "decode pixel data in" : "encode pixel data to") \(syntax); it \(reading ? "reads" : "writes") "
                + (reading ? Transcoder.decodableSyntaxes : Transcoder.encodableSyntaxes).map(\.name).joined(separator: ", ")
        case let .unusableAttribute(name, tag): "the data set has no usable \(name) \(tag) (missing or out of range), needed to find its frames"
        case let .pixelDataNotIn(syntax): "the Pixel Data is not encoded as \(syntax) says it must be"
        case let .frames(error): "\(error)"
        case let .nativeFrames(error): "\(error)"
        case let .codec(frame, error): "frame \(frame): \(error)"
        case let .frameLengthChanged(frame, length, first):
            "frame \(frame) decodes to \(length) bytes, frame 1 to \(first): the frames disagree on their size, so the file cannot be written uncompressed"
        }
    }
}
