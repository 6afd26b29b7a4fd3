import COpenJPEG

extension OpenJPEG {
    /// Encodes one native frame as a J2K codestream (what DICOM encapsulates, PS3.5 A.4.4): the
    /// reversible 5/3 wavelet and, for colour, the reversible component transform when
    /// `lossless`; else the irreversible 9/7 wavelet and transform, at `ratio`:1.
    static func encode(_ native: [UInt8], layout: FrameLayout, lossless: Bool, ratio: Float, syntax: String) throws(CodecError) -> [UInt8] {
        guard layout.bitsAllocated == 8 || layout.bitsAllocated == 16 else {
            throw .unsupported(syntax: syntax, reason: "Bits Allocated \(layout.bitsAllocated); Rampart encodes JPEG 2000 from 8 or 16 bits allocated")
        }
        guard (1...layout.bitsAllocated).contains(layout.bitsStored) else {
            throw .unsupported(syntax: syntax, reason: "Bits Stored \(layout.bitsStored) with Bits Allocated \(layout.bitsAllocated)")
        }
        guard layout.samplesPerPixel == 1 || (layout.samplesPerPixel == 3 && layout.photometricInterpretation == "RGB") else {
            throw .unsupported(syntax: syntax, reason: "\(layout.samplesPerPixel) samples of \(layout.photometricInterpretation); Rampart encodes monochrome and RGB")
        }
        guard native.count == layout.nativeLength else {
            throw .layoutMismatch(syntax: syntax, reason: "the frame is \(native.count) bytes, \(layout.nativeLength) expected from its rows, columns, samples and bits")
        }
        let samples = layout.samplesPerPixel
        var parameters = [opj_image_cmptparm_t](repeating: opj_image_cmptparm_t(), count: samples)
        for index in parameters.indices {
            parameters[index].dx = 1
            parameters[index].dy = 1
            parameters[index].w = UInt32(layout.columns)
            parameters[index].h = UInt32(layout.rows)
            parameters[index].prec = UInt32(layout.bitsStored)
            parameters[index].sgnd = layout.isSigned ? 1 : 0
        }
        guard let image = opj_image_create(UInt32(samples), &parameters, samples == 3 ? OPJ_CLRSPC_SRGB : OPJ_CLRSPC_GRAY) else {
            throw .library(name: libraryName, message: "could not create an image (out of memory)")
        }
        defer { opj_image_destroy(image) }
        image.pointee.x0 = 0
        image.pointee.y0 = 0
        image.pointee.x1 = UInt32(layout.columns)
        image.pointee.y1 = UInt32(layout.rows)
        fill(image.pointee, from: native, layout: layout)

        var settings = opj_cparameters_t()
        opj_set_default_encoder_parameters(&settings)
        settings.tcp_numlayers = 1
        settings.cp_disto_alloc = 1
        settings.tcp_rates.0 = lossless ? 0 : ratio
        settings.irreversible = lossless ? 0 : 1
        settings.tcp_mct = samples == 3 ? 1 : 0
        // Each resolution halves the image: no more of them than its smaller side allows.
        var resolutions: Int32 = 1
        while resolutions < 6, 1 << resolutions <= min(layout.rows, layout.columns) { resolutions += 1 }
        settings.numresolution = resolutions

        guard let codec = opj_create_compress(OPJ_CODEC_J2K) else {
            throw .library(name: libraryName, message: "could not create an encoder (out of memory)")
        }
        defer { opj_destroy_codec(codec) }
        let errors = MessageLog()
        opj_set_error_handler(codec, { message, log in
            guard let message, let log else { return }
            Unmanaged<MessageLog>.fromOpaque(log).takeUnretainedValue().append(String(cString: message))
        }, Unmanaged.passUnretained(errors).toOpaque())
        guard opj_setup_encoder(codec, &settings, image) != 0 else { throw errors.error(doing: "set up the encoder", syntax: syntax) }
        let sink = MemorySink()
        guard let stream = sink.makeStream() else {
            throw .library(name: libraryName, message: "could not create a stream (out of memory)")
        }
        defer { opj_stream_destroy(stream) }
        guard opj_start_compress(codec, image, stream) != 0, opj_encode(codec, stream) != 0, opj_end_compress(codec, stream) != 0 else {
            throw errors.error(doing: "encode the frame", syntax: syntax)
        }
        return sink.bytes
    }

    /// Native samples (interleaved or planar, little endian) into the image's components, as
    /// signed values sign-extended from Bits Stored, or unsigned ones masked to it.
    private static func fill(_ image: opj_image_t, from native: [UInt8], layout: FrameLayout) {
        let samples = layout.samplesPerPixel, pixels = layout.rows * layout.columns
        let bytesPerSample = layout.bitsAllocated / 8, bits = layout.bitsStored
        let mask = Int32(truncatingIfNeeded: (Int64(1) << bits) - 1), signBit = Int32(1) << (bits - 1)
        for index in 0..<samples {
            let data = image.comps[index].data!
            for pixel in 0..<pixels {
                let sample = layout.isPlanar ? index * pixels + pixel : pixel * samples + index
                var value = Int32(native[sample * bytesPerSample])
                if bytesPerSample == 2 { value |= Int32(native[sample * bytesPerSample + 1]) << 8 }
                value &= mask
                if layout.isSigned, value & signBit != 0 { value -= signBit << 1 }
                data[pixel] = value
            }
        }
    }
}

/// An OpenJPEG output stream into memory; OpenJPEG seeks back over what it wrote to fill in lengths.
private final class MemorySink {
    private(set) var bytes: [UInt8] = []
    private var position = 0

    /// A stream that writes through this sink; the caller keeps the sink alive until it destroys the stream.
    func makeStream() -> UnsafeMutablePointer<opj_stream_t?>? {
        guard let stream = opj_stream_create(Int(OPJ_J2K_STREAM_CHUNK_SIZE), 0) else { return nil }
        opj_stream_set_user_data(stream, Unmanaged.passUnretained(self).toOpaque(), nil)
        opj_stream_set_write_function(stream) { buffer, count, sink in
            guard let buffer, let sink else { return -1 }
            return Unmanaged<MemorySink>.fromOpaque(sink).takeUnretainedValue().write(buffer, count: count)
        }
        opj_stream_set_skip_function(stream) { count, sink in
            guard let sink else { return -1 }
            return Unmanaged<MemorySink>.fromOpaque(sink).takeUnretainedValue().move(by: count)
        }
        opj_stream_set_seek_function(stream) { offset, sink in
            guard let sink else { return 0 }
            return Unmanaged<MemorySink>.fromOpaque(sink).takeUnretainedValue().seek(to: offset) ? 1 : 0
        }
        return stream
    }

    private func write(_ buffer: UnsafeMutableRawPointer, count: Int) -> Int {
        let source = UnsafeRawBufferPointer(start: buffer, count: count)
        let end = position + count
        if end > bytes.count { bytes.append(contentsOf: repeatElement(0, count: end - bytes.count)) }
        bytes.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: position).copyMemory(from: source.baseAddress!, byteCount: count) }
        position = end
        return count
    }

    private func move(by count: Int64) -> Int64 {
        let target = Int64(position) + count
        guard target >= 0 else { return -1 }
        position = Int(target)
        return count
    }

    private func seek(to offset: Int64) -> Bool {
        guard offset >= 0 else { return false }
        position = Int(offset)
        return true
    }
}
