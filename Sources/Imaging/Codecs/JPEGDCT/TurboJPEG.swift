import CTurboJPEG

/// The libjpeg-turbo (TurboJPEG 2.1) calls of the 8-bit DCT codecs: one handle per frame, every
/// failure turned into a CodecError carrying libjpeg's own message.
enum TurboJPEG {
    static let libraryName = "libjpeg-turbo"

    /// How libjpeg reads a stream's header: its size, components and colour space (from its JFIF
    /// or Adobe marker and component identifiers).
    struct Header {
        let width: Int
        let height: Int
        let colorspace: Int32
        var components: Int { colorspace == Int32(TJCS_GRAY.rawValue) ? 1 : 3 }
        /// libjpeg will convert the stream from YCbCr to RGB.
        var isYCbCr: Bool { colorspace == Int32(TJCS_YCbCr.rawValue) }
    }

    static func header(_ encoded: [UInt8], syntax: String) throws(CodecError) -> Header {
        guard let handle = tjInitDecompress() else { throw .library(name: libraryName, message: "could not start a decompressor (out of memory)") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let status = encoded.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt($0.count), &width, &height, &subsampling, &colorspace)
        }
        guard status == 0 else { throw .malformed(syntax: syntax, reason: String(cString: tjGetErrorStr2(handle))) }
        guard colorspace == Int32(TJCS_GRAY.rawValue) || colorspace == Int32(TJCS_YCbCr.rawValue) || colorspace == Int32(TJCS_RGB.rawValue) else {
            throw .unsupported(syntax: syntax, reason: "the stream is CMYK or YCCK; DICOM frames have 1 or 3 samples per pixel")
        }
        return Header(width: Int(width), height: Int(height), colorspace: colorspace)
    }

    /// An 8-bit stream decoded to interleaved samples: grey as one, colour as RGB (converted from
    /// YCbCr when the header says YCbCr, with libjpeg's smooth chroma upsampling). Warnings about
    /// corrupt data stop decoding: a frame is refused rather than returned with made-up blocks.
    static func decode(_ encoded: [UInt8], header: Header, syntax: String) throws(CodecError) -> [UInt8] {
        guard let handle = tjInitDecompress() else { throw .library(name: libraryName, message: "could not start a decompressor (out of memory)") }
        defer { tjDestroy(handle) }
        let grey = header.components == 1
        var samples = [UInt8](repeating: 0, count: header.width * header.height * header.components)
        let status = encoded.withUnsafeBufferPointer { source in
            samples.withUnsafeMutableBufferPointer { target in
                tjDecompress2(handle, source.baseAddress, UInt(source.count), target.baseAddress, Int32(header.width), 0, Int32(header.height),
                              Int32(grey ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue), TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING)
            }
        }
        guard status == 0 else { throw .malformed(syntax: syntax, reason: String(cString: tjGetErrorStr2(handle))) }
        return samples
    }

    /// Interleaved 8-bit samples (grey, or RGB) compressed as baseline JPEG at `quality`: grey as
    /// one component, RGB as YCbCr with 4:2:2 chroma, the YBR_FULL_422 DICOM requires of lossy colour.
    static func encode(_ samples: [UInt8], width: Int, height: Int, grey: Bool, quality: Int) throws(CodecError) -> [UInt8] {
        guard let handle = tjInitCompress() else { throw .library(name: libraryName, message: "could not start a compressor (out of memory)") }
        defer { tjDestroy(handle) }
        var jpeg: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = samples.withUnsafeBufferPointer { pixels in
            tjCompress2(handle, pixels.baseAddress, Int32(width), 0, Int32(height), Int32(grey ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue),
                        &jpeg, &size, Int32(grey ? TJSAMP_GRAY.rawValue : TJSAMP_422.rawValue), Int32(quality), TJFLAG_ACCURATEDCT)
        }
        defer { if let jpeg { tjFree(jpeg) } }
        guard status == 0, let jpeg else { throw .library(name: libraryName, message: String(cString: tjGetErrorStr2(handle))) }
        return Array(UnsafeBufferPointer(start: jpeg, count: Int(size)))
    }
}
