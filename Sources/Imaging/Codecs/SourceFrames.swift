import DICOM

/// The frames of a data set's Pixel Data in the syntax it is stored in, each read (from memory or
/// from the file the value was left in) and decoded only when asked for: what the transcoder
/// walks, one frame at a time.
struct SourceFrames {
    let count: Int
    let layout: FrameLayout
    private let frames: Frames

    private enum Frames {
        case encapsulated(EncapsulatedFrames, any FrameDecoder)
        case native(NativeFrames)
    }

    init(_ dataSet: DataSet, syntax: TransferSyntax) throws(TranscodeError) {
        guard let pixelData = dataSet[ImagingTag.pixelData] else { throw .pixelDataNotIn(syntax) }
        layout = try Transcoder.layout(of: dataSet)
        count = max(1, dataSet.int(ImagingTag.numberOfFrames) ?? 1)
        let decoder = Transcoder.nativeSyntaxes.contains(syntax) ? nil : Transcoder.decoder(for: syntax)
        switch (pixelData.value, decoder) {
        case let (.encapsulated(pixels), decoder?):
            do { frames = .encapsulated(try EncapsulatedFrames(pixels, numberOfFrames: count, in: dataSet), decoder) } catch { throw .frames(error) }
        case let (.bytes(storage), nil):
            // Checked here, before NativeFrames multiplies Number of Frames by the frame length.
            guard count <= storage.count / max(1, layout.nativeLength) else {
                throw .nativeFrames(.shorterThanFrames(length: storage.count, frames: count, frameLength: layout.nativeLength))
            }
            do { frames = .native(try NativeFrames(dataSet)) } catch { throw .nativeFrames(error) }
        case (.encapsulated, nil), (.bytes, _?), (.sequence, _):
            throw .pixelDataNotIn(syntax)
        }
    }

    /// Frame `number` (from 1) as native little-endian bytes, with the layout it decoded to.
    func frame(_ number: Int) throws(TranscodeError) -> DecodedFrame {
        switch frames {
        case let .encapsulated(encapsulated, decoder):
            let bytes: [UInt8]
            do { bytes = try encapsulated.frame(number) } catch { throw .frames(error) }
            do { return try decoder.decode(bytes, layout: layout) } catch { throw .codec(frame: number, error) }
        case let .native(native):
            do { return DecodedFrame(bytes: try native.frame(number), layout: layout) } catch { throw .nativeFrames(error) }
        }
    }
}
