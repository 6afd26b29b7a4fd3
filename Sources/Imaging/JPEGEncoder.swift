import CTurboJPEG

/// Baseline JPEG through libjpeg-turbo's TurboJPEG API: greyscale as one component, RGB as
/// YCbCr without chroma subsampling (4:4:4), so colour edges in secondary captures stay sharp.
public enum JPEGEncoder {
    /// `quality` from 1 to 100 (PS3.18 8.3.5.1.2).
    public static func encode(_ raster: Raster, quality: Int) throws(RenderingError) -> [UInt8] {
        guard let handle = tjInitCompress() else { throw .encoder("TurboJPEG could not start a compressor") }
        defer { tjDestroy(handle) }
        var jpeg: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let grey = raster.channels == 1
        let status = raster.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(handle, pixels.baseAddress, Int32(raster.width), 0, Int32(raster.height),
                        Int32(grey ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue), &jpeg, &size,
                        Int32(grey ? TJSAMP_GRAY.rawValue : TJSAMP_444.rawValue), Int32(min(100, max(1, quality))), 0)
        }
        defer { if let jpeg { tjFree(jpeg) } }
        guard status == 0, let jpeg else {
            throw .encoder(String(cString: tjGetErrorStr2(handle)))
        }
        return Array(UnsafeBufferPointer(start: jpeg, count: Int(size)))
    }
}
