import CCharLS

/// The CharLS calls the JPEG-LS codecs share: one C decoder or encoder per frame, every status
/// turned into a CodecError that carries CharLS's own message.
enum CharLS {
    static let libraryName = "CharLS"

    /// Decodes one JPEG-LS stream into native little-endian samples, interleaved by pixel, in the
    /// layout's Bits Allocated (8 or 16).
    static func decode(_ encoded: [UInt8], layout: FrameLayout, syntax: String) throws(CodecError) -> DecodedFrame {
        guard layout.bitsAllocated == 8 || layout.bitsAllocated == 16 else {
            throw .unsupported(syntax: syntax, reason: "Bits Allocated \(layout.bitsAllocated); JPEG-LS frames are 8 or 16 bits allocated")
        }
        guard !encoded.isEmpty else { throw .malformed(syntax: syntax, reason: "the frame has no bytes") }
        guard let decoder = charls_jpegls_decoder_create() else {
            throw .library(name: libraryName, message: "could not create a decoder (out of memory)")
        }
        defer { charls_jpegls_decoder_destroy(decoder) }
        let decoded = encoded.withUnsafeBytes { source in
            Result { () throws(CodecError) -> DecodedFrame in
                // CharLS reads the source during decode_to_buffer too: every call stays inside this closure.
                try check(charls_jpegls_decoder_set_source_buffer(decoder, source.baseAddress!, source.count), syntax: syntax)
                try check(charls_jpegls_decoder_read_header(decoder), syntax: syntax)
                var info = charls_frame_info()
                try check(charls_jpegls_decoder_get_frame_info(decoder, &info), syntax: syntax)
                var interleave = charls_interleave_mode(0)
                try check(charls_jpegls_decoder_get_interleave_mode(decoder, &interleave), syntax: syntax)
                try expect(info, toMatch: layout, syntax: syntax)

                let bytesPerSample = info.bits_per_sample > 8 ? 2 : 1
                let expected = layout.rows * layout.columns * layout.samplesPerPixel * bytesPerSample
                var size = 0
                try check(charls_jpegls_decoder_get_destination_size(decoder, 0, &size), syntax: syntax)
                // The header's own size, checked against the data set's before the memory is taken.
                guard size == expected else {
                    throw .layoutMismatch(syntax: syntax, reason: "CharLS needs \(size) bytes for the frame, \(expected) expected")
                }
                var samples = [UInt8](repeating: 0, count: size)
                let status = samples.withUnsafeMutableBytes { charls_jpegls_decoder_decode_to_buffer(decoder, $0.baseAddress!, $0.count, 0) }
                try check(status, syntax: syntax)
                // Interleave mode "none" comes out one component plane after another.
                if interleave.rawValue == CHARLS_INTERLEAVE_MODE_NONE.rawValue && layout.samplesPerPixel > 1 {
                    samples = interleaved(planes: samples, samples: layout.samplesPerPixel, bytesPerSample: bytesPerSample)
                }
                if bytesPerSample == 1 && layout.bitsAllocated == 16 { samples = widened(samples) }
                if layout.isSigned && layout.bitsStored < layout.bitsAllocated { signExtend(&samples, layout: layout) }
                var decodedLayout = layout
                decodedLayout.isPlanar = false
                return DecodedFrame(bytes: samples, layout: decodedLayout)
            }
        }
        return try decoded.get()
    }

    /// Encodes one native frame, each sample within `near` of the original (0: losslessly).
    static func encode(_ native: [UInt8], layout: FrameLayout, near: Int = 0, syntax: String) throws(CodecError) -> [UInt8] {
        guard layout.bitsAllocated == 8 || layout.bitsAllocated == 16 else {
            throw .unsupported(syntax: syntax, reason: "Bits Allocated \(layout.bitsAllocated); JPEG-LS encodes 8 or 16 bits allocated")
        }
        guard (2...layout.bitsAllocated).contains(layout.bitsStored) else {
            throw .unsupported(syntax: syntax, reason: "Bits Stored \(layout.bitsStored); JPEG-LS encodes 2 to \(layout.bitsAllocated) bits")
        }
        guard layout.photometricInterpretation != "YBR_FULL_422" else {
            throw .unsupported(syntax: syntax, reason: "native YBR_FULL_422 is subsampled; JPEG-LS encodes every sample of every pixel")
        }
        guard native.count == layout.nativeLength else {
            throw .layoutMismatch(syntax: syntax, reason: "the frame is \(native.count) bytes, \(layout.nativeLength) expected from its rows, columns, samples and bits")
        }
        let source = samples(of: native, layout: layout)
        guard let encoder = charls_jpegls_encoder_create() else {
            throw .library(name: libraryName, message: "could not create an encoder (out of memory)")
        }
        defer { charls_jpegls_encoder_destroy(encoder) }
        var info = charls_frame_info(width: UInt32(layout.columns), height: UInt32(layout.rows),
                                     bits_per_sample: Int32(layout.bitsStored), component_count: Int32(layout.samplesPerPixel))
        try check(charls_jpegls_encoder_set_frame_info(encoder, &info), syntax: syntax)
        if near > 0 { try check(charls_jpegls_encoder_set_near_lossless(encoder, Int32(near)), syntax: syntax) }
        // Planar native frames are encoded plane by plane (ILV 0), which takes them as they are.
        let interleave = layout.samplesPerPixel == 1 || layout.isPlanar ? CHARLS_INTERLEAVE_MODE_NONE : CHARLS_INTERLEAVE_MODE_SAMPLE
        try check(charls_jpegls_encoder_set_interleave_mode(encoder, interleave), syntax: syntax)
        var capacity = 0
        try check(charls_jpegls_encoder_get_estimated_destination_size(encoder, &capacity), syntax: syntax)
        var encoded = [UInt8](repeating: 0, count: capacity)
        var written = 0
        let status = encoded.withUnsafeMutableBytes { destination in
            source.withUnsafeBytes { input in
                let set = charls_jpegls_encoder_set_destination_buffer(encoder, destination.baseAddress!, destination.count)
                guard set == CHARLS_JPEGLS_ERRC_SUCCESS else { return set }
                let encodedStatus = charls_jpegls_encoder_encode_from_buffer(encoder, input.baseAddress!, input.count, 0)
                guard encodedStatus == CHARLS_JPEGLS_ERRC_SUCCESS else { return encodedStatus }
                return charls_jpegls_encoder_get_bytes_written(encoder, &written)
            }
        }
        try check(status, syntax: syntax)
        encoded.removeSubrange(written...)
        return encoded
    }

    /// The native samples as CharLS takes them: masked to Bits Stored (JPEG-LS codes unsigned
    /// values of that precision, so a signed sample's sign extension is dropped and restored by
    /// readers from Pixel Representation), one byte each when Bits Stored is 8 or less.
    private static func samples(of native: [UInt8], layout: FrameLayout) -> [UInt8] {
        if layout.bitsAllocated == 8 {
            let mask = UInt8(truncatingIfNeeded: (1 << layout.bitsStored) - 1)
            return mask == 0xFF ? native : native.map { $0 & mask }
        }
        let mask = UInt16(truncatingIfNeeded: (1 << layout.bitsStored) - 1)
        let count = native.count / 2
        if layout.bitsStored <= 8 {
            return (0..<count).map { UInt8(truncatingIfNeeded: (UInt16(native[2 * $0]) | UInt16(native[2 * $0 + 1]) << 8) & mask) }
        }
        var masked = native
        for index in 0..<count {
            let value = (UInt16(native[2 * index]) | UInt16(native[2 * index + 1]) << 8) & mask
            masked[2 * index] = UInt8(truncatingIfNeeded: value)
            masked[2 * index + 1] = UInt8(truncatingIfNeeded: value >> 8)
        }
        return masked
    }

    /// The stream's frame header against the data set's Image Pixel attributes.
    private static func expect(_ info: charls_frame_info, toMatch layout: FrameLayout, syntax: String) throws(CodecError) {
        guard Int(info.width) == layout.columns, Int(info.height) == layout.rows else {
            throw .layoutMismatch(syntax: syntax, reason: "the stream is \(info.width)×\(info.height), the data set says \(layout.columns)×\(layout.rows)")
        }
        guard Int(info.component_count) == layout.samplesPerPixel else {
            throw .layoutMismatch(syntax: syntax, reason: "the stream has \(info.component_count) components, Samples per Pixel is \(layout.samplesPerPixel)")
        }
        guard Int(info.bits_per_sample) <= layout.bitsAllocated else {
            throw .layoutMismatch(syntax: syntax, reason: "the stream has \(info.bits_per_sample)-bit samples, Bits Allocated is \(layout.bitsAllocated)")
        }
    }

    private static func interleaved(planes: [UInt8], samples: Int, bytesPerSample: Int) -> [UInt8] {
        let planeLength = planes.count / samples
        let pixels = planeLength / bytesPerSample
        var result = [UInt8](repeating: 0, count: planes.count)
        for sample in 0..<samples {
            for pixel in 0..<pixels {
                for byte in 0..<bytesPerSample {
                    result[(pixel * samples + sample) * bytesPerSample + byte] = planes[sample * planeLength + pixel * bytesPerSample + byte]
                }
            }
        }
        return result
    }

    /// JPEG-LS codes a signed sample's Bits Stored as an unsigned value: the sign bit is copied
    /// into the unused high bits, as native signed data holds it (and as the JPEG Lossless decoder returns it).
    private static func signExtend(_ bytes: inout [UInt8], layout: FrameLayout) {
        let sign = 1 << (layout.bitsStored - 1), high = ~((1 << layout.bitsStored) - 1)
        if layout.bitsAllocated == 8 {
            for index in bytes.indices where Int(bytes[index]) & sign != 0 { bytes[index] |= UInt8(truncatingIfNeeded: high) }
            return
        }
        for index in stride(from: 0, to: bytes.count - 1, by: 2) {
            let value = Int(bytes[index]) | Int(bytes[index + 1]) << 8
            if value & sign != 0 { bytes[index + 1] |= UInt8(truncatingIfNeeded: high >> 8) }
        }
    }

    /// 8-bit samples in 16 bits allocated, little endian.
    private static func widened(_ bytes: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: bytes.count * 2)
        for (index, value) in bytes.enumerated() { result[2 * index] = value }
        return result
    }

    /// A CharLS status as a CodecError: errors in the stream are malformed data, the rest CharLS's own.
    private static func check(_ status: charls_jpegls_errc, syntax: String) throws(CodecError) {
        guard status != CHARLS_JPEGLS_ERRC_SUCCESS else { return }
        let message = String(cString: charls_get_error_message(status))
        switch status.rawValue {
        case CHARLS_JPEGLS_ERRC_SOURCE_BUFFER_TOO_SMALL.rawValue, CHARLS_JPEGLS_ERRC_INVALID_ENCODED_DATA.rawValue,
             CHARLS_JPEGLS_ERRC_TOO_MUCH_ENCODED_DATA.rawValue,
             CHARLS_JPEGLS_ERRC_UNKNOWN_JPEG_MARKER_FOUND.rawValue...CHARLS_JPEGLS_ERRC_JPEG_MARKER_START_BYTE_NOT_FOUND.rawValue,
             CHARLS_JPEGLS_ERRC_START_OF_IMAGE_MARKER_NOT_FOUND.rawValue...CHARLS_JPEGLS_ERRC_INVALID_SPIFF_HEADER.rawValue,
             CHARLS_JPEGLS_ERRC_INVALID_PARAMETER_WIDTH.rawValue...CHARLS_JPEGLS_ERRC_INVALID_PARAMETER_JPEGLS_PRESET_PARAMETERS.rawValue:
            throw .malformed(syntax: syntax, reason: message)
        case CHARLS_JPEGLS_ERRC_PARAMETER_VALUE_NOT_SUPPORTED.rawValue, CHARLS_JPEGLS_ERRC_BIT_DEPTH_FOR_TRANSFORM_NOT_SUPPORTED.rawValue,
             CHARLS_JPEGLS_ERRC_COLOR_TRANSFORM_NOT_SUPPORTED.rawValue, CHARLS_JPEGLS_ERRC_ENCODING_NOT_SUPPORTED.rawValue,
             CHARLS_JPEGLS_ERRC_JPEGLS_PRESET_EXTENDED_PARAMETER_TYPE_NOT_SUPPORTED.rawValue:
            throw .unsupported(syntax: syntax, reason: message)
        default:
            throw .library(name: libraryName, message: message)
        }
    }
}
