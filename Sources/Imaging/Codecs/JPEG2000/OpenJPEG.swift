import COpenJPEG

/// Decodes one JPEG 2000 frame (a J2K codestream or a JP2 file) with OpenJPEG, reading from the
/// frame's bytes in memory. OpenJPEG undoes the multiple component transform (RCT or ICT) when the
/// codestream says it was applied, so YBR_RCT and YBR_ICT frames come out RGB.
enum OpenJPEG {
    static let libraryName = "OpenJPEG"
    /// The first bytes of a JP2 file: its signature box (ISO/IEC 15444-1 I.5.1).
    private static let jp2Signature: [UInt8] = [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]

    static func decode(_ encoded: [UInt8], layout: FrameLayout, syntax: String) throws(CodecError) -> DecodedFrame {
        guard layout.bitsAllocated == 8 || layout.bitsAllocated == 16 else {
            throw .unsupported(syntax: syntax, reason: "Bits Allocated \(layout.bitsAllocated); Rampart decodes JPEG 2000 to 8 or 16 bits allocated")
        }
        guard encoded.count >= 2 else { throw .malformed(syntax: syntax, reason: "the frame is \(encoded.count) bytes, too short for a codestream") }
        let format = encoded.starts(with: jp2Signature) ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K
        guard let codec = opj_create_decompress(format) else {
            throw .library(name: libraryName, message: "could not create a decoder (out of memory)")
        }
        defer { opj_destroy_codec(codec) }
        let errors = MessageLog()
        let log = Unmanaged.passUnretained(errors).toOpaque()
        opj_set_error_handler(codec, { message, log in
            guard let message, let log else { return }
            Unmanaged<MessageLog>.fromOpaque(log).takeUnretainedValue().append(String(cString: message))
        }, log)
        var parameters = opj_dparameters_t()
        opj_set_default_decoder_parameters(&parameters)
        guard opj_setup_decoder(codec, &parameters) != 0 else { throw errors.error(doing: "set up the decoder", syntax: syntax) }
        // Strict: a codestream cut short is an error, not a frame whose missing code-blocks decode as grey.
        guard opj_decoder_set_strict_mode(codec, 1) != 0 else { throw errors.error(doing: "set strict mode", syntax: syntax) }

        let decoded = encoded.withUnsafeBytes { bytes in
            Result { () throws(CodecError) -> DecodedFrame in
                // The stream reads `bytes` through `source` until opj_stream_destroy: all within this closure.
                let source = MemorySource(bytes)
                guard let stream = source.makeStream() else {
                    throw .library(name: libraryName, message: "could not create a stream (out of memory)")
                }
                defer { opj_stream_destroy(stream) }
                var image: UnsafeMutablePointer<opj_image_t>?
                defer { opj_image_destroy(image) }
                guard opj_read_header(stream, codec, &image) != 0, let header = image else {
                    throw errors.error(doing: "read the header", syntax: syntax)
                }
                // Checked against the data set before OpenJPEG allocates the decoded components.
                try expect(header.pointee, toMatch: layout, syntax: syntax)
                guard opj_decode(codec, stream, header) != 0, opj_end_decompress(codec, stream) != 0 else {
                    throw errors.error(doing: "decode the frame", syntax: syntax)
                }
                return try native(of: header.pointee, layout: layout, syntax: syntax)
            }
        }
        return try decoded.get()
    }

    private static func expect(_ image: opj_image_t, toMatch layout: FrameLayout, syntax: String) throws(CodecError) {
        guard Int(image.numcomps) == layout.samplesPerPixel, let components = image.comps else {
            throw .layoutMismatch(syntax: syntax, reason: "the codestream has \(image.numcomps) components, Samples per Pixel is \(layout.samplesPerPixel)")
        }
        let width = Int(image.x1) - Int(image.x0), height = Int(image.y1) - Int(image.y0)
        guard width == layout.columns, height == layout.rows else {
            throw .layoutMismatch(syntax: syntax, reason: "the codestream is \(width)×\(height), the data set says \(layout.columns)×\(layout.rows)")
        }
        for index in 0..<layout.samplesPerPixel {
            let component = components[index]
            guard component.dx == 1, component.dy == 1 else {
                throw .unsupported(syntax: syntax, reason: "component \(index) is subsampled (\(component.dx)×\(component.dy))")
            }
            guard (1...layout.bitsAllocated).contains(Int(component.prec)) else {
                throw .layoutMismatch(syntax: syntax, reason: "component \(index) has \(component.prec)-bit samples, Bits Allocated is \(layout.bitsAllocated)")
            }
        }
    }

    /// The decoded components as native little-endian samples, interleaved by pixel.
    private static func native(of image: opj_image_t, layout: FrameLayout, syntax: String) throws(CodecError) -> DecodedFrame {
        let samples = layout.samplesPerPixel, bytesPerSample = layout.bitsAllocated / 8
        let pixels = layout.rows * layout.columns
        var bytes = [UInt8](repeating: 0, count: layout.nativeLength)
        for index in 0..<samples {
            let component = image.comps[index]
            guard Int(component.w) == layout.columns, Int(component.h) == layout.rows, let data = component.data else {
                throw .malformed(syntax: syntax, reason: "component \(index) decoded to \(component.w)×\(component.h), not the image's size")
            }
            for pixel in 0..<pixels {
                let value = data[pixel]
                let target = (pixel * samples + index) * bytesPerSample
                bytes[target] = UInt8(truncatingIfNeeded: value)
                if bytesPerSample == 2 { bytes[target + 1] = UInt8(truncatingIfNeeded: value >> 8) }
            }
        }
        var decoded = layout
        decoded.isPlanar = false
        if samples == 3, ["YBR_RCT", "YBR_ICT"].contains(layout.photometricInterpretation) { decoded.photometricInterpretation = "RGB" }
        return DecodedFrame(bytes: bytes, layout: decoded)
    }
}

/// The messages OpenJPEG's error handler reports while one frame is decoded or encoded.
final class MessageLog {
    private var messages: [String] = []

    func append(_ message: String) {
        // OpenJPEG ends each message with a newline.
        messages.append(String(message.prefix { $0 != "\n" }))
    }

    /// Errors in the stream are what OpenJPEG reports; without a message, the step that failed is named.
    func error(doing step: String, syntax: String) -> CodecError {
        let reason = messages.isEmpty ? "OpenJPEG could not \(step)" : messages.joined(separator: "; ")
        return .malformed(syntax: syntax, reason: reason)
    }
}

/// The bytes of one frame as an OpenJPEG input stream: read, skip and seek over memory.
private final class MemorySource {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// A stream that reads through this source; the caller keeps the source alive until it destroys the stream.
    func makeStream() -> UnsafeMutablePointer<opj_stream_t?>? {
        guard let stream = opj_stream_create(Int(OPJ_J2K_STREAM_CHUNK_SIZE), 1) else { return nil }
        opj_stream_set_user_data(stream, Unmanaged.passUnretained(self).toOpaque(), nil)
        opj_stream_set_user_data_length(stream, UInt64(bytes.count))
        opj_stream_set_read_function(stream) { buffer, count, source in
            guard let buffer, let source else { return -1 }
            return Unmanaged<MemorySource>.fromOpaque(source).takeUnretainedValue().read(into: buffer, count: count)
        }
        opj_stream_set_skip_function(stream) { count, source in
            guard let source else { return -1 }
            return Unmanaged<MemorySource>.fromOpaque(source).takeUnretainedValue().skip(count)
        }
        opj_stream_set_seek_function(stream) { offset, source in
            guard let source else { return 0 }
            return Unmanaged<MemorySource>.fromOpaque(source).takeUnretainedValue().seek(to: offset) ? 1 : 0
        }
        return stream
    }

    /// Bytes copied, or -1 (OpenJPEG's end of stream) when none are left.
    private func read(into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
        let available = min(count, bytes.count - position)
        guard available > 0 else { return -1 }
        buffer.copyMemory(from: bytes.baseAddress! + position, byteCount: available)
        position += available
        return available
    }

    /// Bytes skipped (forward or back, within the frame), or -1 when none can be.
    private func skip(_ count: Int64) -> Int64 {
        let target = min(max(Int64(position) + count, 0), Int64(bytes.count))
        let skipped = target - Int64(position)
        guard skipped != 0 || count == 0 else { return -1 }
        position = Int(target)
        return skipped
    }

    private func seek(to offset: Int64) -> Bool {
        guard (0...Int64(bytes.count)).contains(offset) else { return false }
        position = Int(offset)
        return true
    }
}
