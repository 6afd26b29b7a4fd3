import DICOM

/// The frames of an object's compressed pixel data, decoded one at a time by their transfer
/// syntax's codec into native little-endian bytes: what a viewer asking for uncompressed frames,
/// or a rendering, needs from an object stored compressed. Only the frame asked for is read and
/// decoded.
public struct DecodedFrames: Sendable {
    public let count: Int
    private let frames: EncapsulatedFrames
    private let decoder: any FrameDecoder
    private let layout: FrameLayout

    /// Whether Rampart decodes `syntax`.
    public static func canDecode(_ syntax: TransferSyntax) -> Bool {
        Transcoder.decoder(for: syntax) != nil
    }

    /// The frames of `dataSet`'s encapsulated Pixel Data, stored in `syntax`.
    public init(_ dataSet: DataSet, syntax: TransferSyntax) throws(TranscodeError) {
        guard let decoder = Transcoder.decoder(for: syntax) else { throw .unsupportedSyntax(syntax, reading: true) }
        guard case let .encapsulated(pixels)? = dataSet[ImagingTag.pixelData]?.value else { throw .pixelDataNotIn(syntax) }
        layout = try Transcoder.layout(of: dataSet)
        count = max(1, dataSet.int(ImagingTag.numberOfFrames) ?? 1)
        do {
            frames = try EncapsulatedFrames(pixels, numberOfFrames: count, in: dataSet)
        } catch {
            throw .frames(error)
        }
        self.decoder = decoder
    }

    /// Frame `number` (from 1), decoded, with the layout it decoded to (a JPEG YBR frame comes
    /// out RGB).
    public func frame(_ number: Int) throws(TranscodeError) -> DecodedFrame {
        let bytes: [UInt8]
        do { bytes = try frames.frame(number) } catch { throw .frames(error) }
        do { return try decoder.decode(bytes, layout: layout) } catch { throw .codec(frame: number, error) }
    }
}
