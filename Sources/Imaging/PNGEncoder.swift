import CZlib

/// 8-bit greyscale and RGB PNG (ISO/IEC 15948): signature, IHDR, one IDAT of zlib-deflated
/// rows (each with filter type 0, none), IEND; each chunk's CRC-32 from zlib.
public enum PNGEncoder {
    public static func encode(_ raster: Raster) throws(RenderingError) -> [UInt8] {
        var header: [UInt8] = []
        header += bigEndian(UInt32(raster.width))
        header += bigEndian(UInt32(raster.height))
        // Bit depth 8; colour type 0 (grey) or 2 (RGB); deflate; adaptive filtering; no interlace.
        header += [8, raster.channels == 3 ? 2 : 0, 0, 0, 0]
        let rowLength = raster.width * raster.channels
        var filtered = [UInt8](repeating: 0, count: raster.height * (rowLength + 1))
        for row in 0..<raster.height {
            let from = row * rowLength, to = row * (rowLength + 1) + 1
            filtered.replaceSubrange(to..<(to + rowLength), with: raster.pixels[from..<(from + rowLength)])
        }
        var output: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        output += chunk("IHDR", header)
        output += chunk("IDAT", try deflate(filtered))
        output += chunk("IEND", [])
        return output
    }

    static func deflate(_ bytes: [UInt8]) throws(RenderingError) -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var compressed = [UInt8](repeating: 0, count: Int(length))
        let status = compressed.withUnsafeMutableBufferPointer { target in
            bytes.withUnsafeBufferPointer { source in
                compress2(target.baseAddress, &length, source.baseAddress, uLong(source.count), 6)
            }
        }
        guard status == Z_OK else { throw .encoder("zlib compress2 returned \(status)") }
        return Array(compressed.prefix(Int(length)))
    }

    /// Length, type, data, and the CRC-32 of type and data (PNG 5.3).
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        let crc = typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        return bigEndian(UInt32(data.count)) + typeAndData + bigEndian(UInt32(truncatingIfNeeded: crc))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
