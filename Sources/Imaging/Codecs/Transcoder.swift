import DICOM

/// Rewrites a data set's pixel data from one transfer syntax into another, frame by frame:
/// native syntaxes as the DICOM target writes them, and the encapsulated syntaxes Rampart has a
/// codec for. Lossless codecs make a pixel-exact copy. Attributes outside the Image Pixel module
/// are left as they are; the caller writes the result in the target syntax.
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

    public init(jpegQuality: Int = JPEGBaseline.defaultQuality) {
        self.jpegQuality = jpegQuality
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
    /// selection value 1 only, as .70 (which every reader of .57 also reads). Lossy JPEG is written at `jpegQuality`.
    static func encoder(for syntax: TransferSyntax, jpegQuality: Int = JPEGBaseline.defaultQuality) -> (any FrameEncoder)? {
        switch syntax.uid {
        case RLELossless.transferSyntaxUID: RLELossless()
        case JPEGLosslessFirstOrder.transferSyntaxUID: JPEGLosslessFirstOrder()
        case JPEGLSLossless.transferSyntaxUID: JPEGLSLossless()
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
        let sourceIsNative = Self.nativeSyntaxes.contains(source)
        let targetIsNative = Self.nativeSyntaxes.contains(target)
        let decoder = Self.decoder(for: source), encoder = Self.encoder(for: target, jpegQuality: jpegQuality)
        guard sourceIsNative || decoder != nil else { throw .unsupportedSyntax(source, reading: true) }
        guard targetIsNative || encoder != nil else { throw .unsupportedSyntax(target, reading: false) }
        guard source != target, !(sourceIsNative && targetIsNative), let pixelData = dataSet[ImagingTag.pixelData] else { return dataSet }

        let layout = try Self.layout(of: dataSet)
        let count = max(1, dataSet.int(ImagingTag.numberOfFrames) ?? 1)
        var frames: [DecodedFrame] = []
        switch (pixelData.value, decoder) {
        case let (.encapsulated(pixels), decoder?):
            let encapsulated: EncapsulatedFrames
            do { encapsulated = try EncapsulatedFrames(pixels, numberOfFrames: count, in: dataSet) } catch { throw .frames(error) }
            for number in 1...count {
                let bytes: [UInt8]
                do { bytes = try encapsulated.frame(number) } catch { throw .frames(error) }
                do { frames.append(try decoder.decode(bytes, layout: layout)) } catch { throw .codec(frame: number, error) }
            }
        case let (.bytes(storage), nil):
            // Checked here, before NativeFrames multiplies Number of Frames by the frame length.
            guard count <= storage.count / max(1, layout.nativeLength) else {
                throw .nativeFrames(.shorterThanFrames(length: storage.count, frames: count, frameLength: layout.nativeLength))
            }
            let native: NativeFrames
            do { native = try NativeFrames(dataSet) } catch { throw .nativeFrames(error) }
            for number in 1...count {
                do { frames.append(DecodedFrame(bytes: try native.frame(number), layout: layout)) } catch { throw .nativeFrames(error) }
            }
        case (.encapsulated, nil), (.bytes, _?), (.sequence, _):
            throw .pixelDataNotIn(source)
        }

        var result = dataSet
        _ = result.remove(Self.extendedOffsetTable)
        _ = result.remove(Self.extendedOffsetTableLengths)
        if let encoder {
            try Self.writeEncapsulated(frames, with: encoder, into: &result)
        } else {
            Self.writeNative(frames, into: &result)
        }
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
        dataSet.insert(DataElement(tag: ImagingTag.pixelData, vr: layout.bitsAllocated > 8 ? .OW : .OB, bytes: bytes))
        dataSet.insert(text(ImagingTag.photometricInterpretation, layout.photometricInterpretation))
        if layout.samplesPerPixel > 1 { dataSet.insert(unsignedShort(ImagingTag.planarConfiguration, layout.isPlanar ? 1 : 0)) }
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
            var frameBytes: EncodedFrame
            do { frameBytes = try encoder.encode(frame.bytes, layout: frame.layout) } catch { throw .codec(frame: index + 1, error) }
            if frameBytes.bytes.count % 2 == 1 { frameBytes.bytes.append(0) }  // fragments are even in length (PS3.5 A.4)
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
        dataSet.insert(text(ImagingTag.photometricInterpretation, encoded.photometricInterpretation))
        // Compressed samples are not in native planes; 0 is what readers expect of an encapsulated colour frame.
        if layout.samplesPerPixel > 1 { dataSet.insert(unsignedShort(ImagingTag.planarConfiguration, 0)) }
        if let method = encoded.lossyMethod {
            dataSet.insert(text(lossyImageCompression, "01"))
            dataSet.insert(text(lossyImageCompressionMethod, method))
            // Native bytes over compressed bytes (PS3.3 C.7.6.1.1.5), a DS of at most 16 characters.
            let hundredths = nativeLength * 100 / max(1, offset - 8 * frames.count)
            let fraction = hundredths % 100
            var digits = Array("\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)".utf8.prefix(16))
            if digits.count % 2 == 1 { digits.append(0x20) }
            dataSet.insert(DataElement(tag: lossyImageCompressionRatio, vr: .DS, bytes: digits))
        }
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
        }
    }
}
