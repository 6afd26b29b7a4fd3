import CZlib
import Testing
@testable import Imaging

/// PNG and JPEG output as decoders read it, and the viewport's sizes and resampling.
@Suite struct EncodingTests {
    private struct Chunk {
        let type: String
        let data: [UInt8]
        let crcMatches: Bool
    }

    private static func chunks(_ png: [UInt8]) -> [Chunk] {
        var chunks: [Chunk] = []
        var at = 8
        func word(_ offset: Int) -> Int { png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        while at + 12 <= png.count, chunks.count < 100 {
            let length = word(at)
            let typeAndData = Array(png[(at + 4)..<(at + 8 + length)])
            let crc = typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
            chunks.append(Chunk(type: String(decoding: typeAndData.prefix(4), as: UTF8.self), data: Array(typeAndData.dropFirst(4)),
                                crcMatches: Int(crc) == word(at + 8 + length)))
            at += 12 + length
        }
        return chunks
    }

    private static func inflate(_ bytes: [UInt8], length: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        var size = uLongf(length)
        let status = output.withUnsafeMutableBufferPointer { target in
            bytes.withUnsafeBufferPointer { uncompress(target.baseAddress, &size, $0.baseAddress, uLong($0.count)) }
        }
        return status == Z_OK ? Array(output.prefix(Int(size))) : []
    }

    @Test func pngHasTheSignatureChunksWithValidCRCsAndThePixels() throws {
        let raster = Raster(width: 3, height: 2, channels: 3, pixels: (0..<18).map { UInt8($0 * 10) })
        let png = try PNGEncoder.encode(raster)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let chunks = Self.chunks(png)
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        #expect(chunks.allSatisfy { $0.crcMatches })
        // Width 3, height 2, 8 bits, colour type 2 (RGB), deflate, filter method 0, no interlace.
        #expect(chunks[0].data == [0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0])
        let rows = Self.inflate(chunks[1].data, length: 2 * (1 + 9))
        let expected: [UInt8] = [0] + Array(raster.pixels[0..<9]) + [0] + Array(raster.pixels[9..<18])
        #expect(rows == expected)
    }

    @Test func greyPNGIsColourTypeZero() throws {
        let png = try PNGEncoder.encode(Raster(width: 1, height: 1, channels: 1, pixels: [7]))
        #expect(Self.chunks(png)[0].data[9] == 0)
    }

    @Test func jpegIsABaselineImageOfTheRastersSize() throws {
        let raster = Raster(width: 16, height: 8, channels: 1, pixels: (0..<128).map { UInt8($0 * 2) })
        let jpeg = try JPEGEncoder.encode(raster, quality: 90)
        #expect(Array(jpeg.prefix(2)) == [0xFF, 0xD8])
        #expect(Array(jpeg.suffix(2)) == [0xFF, 0xD9])
        // The baseline frame header (SOF0) gives height 8, width 16, one component.
        let sof = try #require((0..<(jpeg.count - 9)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        #expect(Array(jpeg[(sof + 5)..<(sof + 10)]) == [0, 8, 0, 16, 1])
        #expect(try JPEGEncoder.encode(raster, quality: 10).count < jpeg.count)
    }

    @Test func viewportKeepsTheAspectRatio() throws {
        func fitted(_ viewport: String, _ columns: Int, _ rows: Int) throws -> [Int] {
            let size = try Viewport(viewport).fitted(columns: columns, rows: rows)
            return [size.width, size.height]
        }
        #expect(try fitted("128,128", 512, 256) == [128, 64])
        #expect(try fitted("128,128", 100, 400) == [32, 128])
        #expect(try fitted("1000,50", 10, 10) == [50, 50])
        #expect(try fitted("3,3", 1000, 1) == [3, 1])
        for bad in ["", "128", "0,10", "10,-1", "a,b", "10,10,0,0", "10,10,-1,0,5,5", "10,10,0,0,0,5", "9000,10"] {
            #expect(throws: ViewportError.self) { try Viewport(bad) }
        }
    }

    @Test func shrinkingAveragesTheAreaEachPixelCovers() throws {
        // A 4x4 of four 2x2 blocks averages to those blocks' means.
        let pixels: [UInt8] = [0, 10, 100, 100,
                               20, 30, 100, 100,
                               0, 0, 255, 255,
                               0, 0, 255, 253]
        let raster = try Viewport("2,2").apply(to: Raster(width: 4, height: 4, channels: 1, pixels: pixels))
        #expect(raster.pixels == [15, 100, 0, 255])
        // Three source columns into two: the middle one is shared half and half.
        let row = Raster(width: 3, height: 1, channels: 1, pixels: [0, 90, 180]).resampled(width: 2, height: 1)
        #expect(row.pixels == [30, 150])
    }

    @Test func sourceRegionIsCutOutAndFlipped() throws {
        let raster = Raster(width: 3, height: 2, channels: 1, pixels: [1, 2, 3, 4, 5, 6])
        #expect(try Viewport("2,1,1,0,2,1").apply(to: raster).pixels == [2, 3])
        #expect(try Viewport("3,2,2,1,-3,-2").apply(to: raster).pixels == [6, 5, 4, 3, 2, 1])
        #expect(throws: RenderingError.self) { try Viewport("2,2,2,0,5,1").apply(to: raster) }
    }
}
