/// Decodes one frame's JPEG stream of process 14 (T.81 Annex H): the frame header (SOF3), Huffman
/// tables (DHT), restart interval (DRI) and one or more scans, each with its predictor and point
/// transform, into native little-endian samples, interleaved.
struct JPEGLosslessDecoder {
    /// A component of the frame header, and where its samples are in the interleaved frame.
    private struct Component {
        let identifier: UInt8
        let index: Int
    }

    private struct Frame {
        let precision: Int
        let rows: Int
        let columns: Int
        let components: [Component]
    }

    private struct Scan {
        /// Frame component indices, in scan order, with the DC table each one's differences use.
        let components: [(index: Int, table: Int)]
        let predictor: Int
        let pointTransform: Int
    }

    private let bytes: [UInt8]
    private let layout: FrameLayout
    private let syntax: String
    private var position = 0
    private var frame: Frame?
    private var tables: [JPEGHuffmanTable?] = [nil, nil, nil, nil]
    private var restartInterval = 0
    /// Samples of the frame as decoded (before the point transform is undone), interleaved.
    private var samples: [UInt16] = []
    private var componentDecoded: [Bool] = []
    private var pointTransforms: [Int] = []

    init(_ bytes: [UInt8], layout: FrameLayout, syntax: String) {
        self.bytes = bytes
        self.layout = layout
        self.syntax = syntax
    }

    private func malformed(_ reason: String) -> CodecError {
        .malformed(syntax: syntax, reason: reason)
    }

    mutating func decode() throws(CodecError) -> DecodedFrame {
        guard layout.bitsAllocated == 8 || layout.bitsAllocated == 16 else {
            throw .unsupported(syntax: syntax, reason: "Bits Allocated \(layout.bitsAllocated); JPEG Lossless frames are 8 or 16 bits allocated")
        }
        guard try nextMarker() == JPEGMarker.startOfImage else { throw malformed("the frame does not begin with a JPEG SOI marker") }
        while true {
            let marker = try nextMarker()
            switch marker {
            case JPEGMarker.endOfImage:
                return try finish()
            case JPEGMarker.losslessHuffmanFrame:
                try readFrameHeader(try segment(marker))
            // The other frame headers (0xC4 is DHT, 0xC8 reserved, 0xCC arithmetic conditioning): lossy or arithmetic processes.
            case 0xC0...0xCF where marker != JPEGMarker.defineHuffmanTables && marker != 0xC8 && marker != 0xCC:
                throw .unsupported(syntax: syntax, reason: "the frame is JPEG SOF\(marker - 0xC0), not lossless Huffman coded (SOF3)")
            case JPEGMarker.defineHuffmanTables:
                try readHuffmanTables(try segment(marker))
            case JPEGMarker.defineRestartInterval:
                let body = try segment(marker)
                guard body.count == 2 else { throw malformed("the DRI segment is \(body.count) bytes, not 2") }
                restartInterval = Int(body[body.startIndex]) << 8 | Int(body[body.startIndex + 1])
            case JPEGMarker.startOfScan:
                try decodeScan(try readScanHeader(try segment(marker)))
            case JPEGMarker.defineNumberOfLines:
                throw .unsupported(syntax: syntax, reason: "the frame's line count is given after its first scan (DNL), which DICOM frames do not use")
            case 0xE0...0xEF, 0xFE, 0xDB:
                _ = try segment(marker)  // application data, comments and quantization tables say nothing about lossless pixels
            default:
                throw malformed("unexpected marker \(Self.name(marker)) at byte \(position - 1)")
            }
        }
    }

    /// A marker as written, for messages: 0xFFC0.
    private static func name(_ marker: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "0xFF" + String(digits[Int(marker >> 4)]) + String(digits[Int(marker & 0x0F)])
    }

    /// The marker at `position` (after any 0xFF fill bytes).
    private mutating func nextMarker() throws(CodecError) -> UInt8 {
        guard position < bytes.count, bytes[position] == 0xFF else {
            throw malformed(position >= bytes.count ? "the stream ends at byte \(position) without an EOI marker"
                            : "byte \(position) is not a JPEG marker")
        }
        while position < bytes.count, bytes[position] == 0xFF { position += 1 }
        guard position < bytes.count else { throw malformed("the stream ends inside a marker") }
        defer { position += 1 }
        return bytes[position]
    }

    /// The body of the marker segment at `position`: its length word counts itself.
    private mutating func segment(_ marker: UInt8) throws(CodecError) -> ArraySlice<UInt8> {
        guard position + 2 <= bytes.count else { throw malformed("the \(Self.name(marker)) segment is cut off") }
        let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
        guard length >= 2, position + length <= bytes.count else {
            throw malformed("the \(Self.name(marker)) segment's length \(length) runs past the stream's \(bytes.count) bytes")
        }
        defer { position += length }
        return bytes[(position + 2)..<(position + length)]
    }

    private mutating func readFrameHeader(_ body: ArraySlice<UInt8>) throws(CodecError) {
        guard frame == nil else { throw malformed("a second SOF3 frame header; a frame has one") }
        let body = Array(body)
        guard body.count >= 6 else { throw malformed("the SOF3 segment is \(body.count) bytes, shorter than its fixed part") }
        let precision = Int(body[0]), rows = Int(body[1]) << 8 | Int(body[2]), columns = Int(body[3]) << 8 | Int(body[4])
        let count = Int(body[5])
        guard body.count == 6 + 3 * count, count > 0 else {
            throw malformed("the SOF3 segment is \(body.count) bytes, not the \(6 + 3 * count) its \(count) components need")
        }
        guard (2...16).contains(precision) else { throw malformed("sample precision \(precision); lossless JPEG has 2 to 16 bits") }
        guard rows > 0 else {
            throw .unsupported(syntax: syntax, reason: "the frame header gives 0 lines, to be set by a DNL marker, which DICOM frames do not use")
        }
        guard rows == layout.rows, columns == layout.columns, count == layout.samplesPerPixel else {
            throw .layoutMismatch(syntax: syntax, reason: "the JPEG frame is \(columns)x\(rows) with \(count) components; the data set says "
                                  + "\(layout.columns)x\(layout.rows) with \(layout.samplesPerPixel) samples per pixel")
        }
        guard precision <= layout.bitsAllocated else {
            throw .layoutMismatch(syntax: syntax, reason: "\(precision)-bit JPEG samples do not fit in Bits Allocated \(layout.bitsAllocated)")
        }
        var components: [Component] = []
        for index in 0..<count {
            let identifier = body[6 + 3 * index], sampling = body[7 + 3 * index]
            guard !components.contains(where: { $0.identifier == identifier }) else { throw malformed("component \(identifier) is defined twice") }
            guard sampling == 0x11 else {
                throw .unsupported(syntax: syntax, reason: "component \(identifier) is subsampled (factors \(sampling >> 4)x\(sampling & 0x0F)); lossless frames are not")
            }
            components.append(Component(identifier: identifier, index: index))
        }
        // Each sample costs at least one bit of a Huffman code: a header claiming more samples than
        // the stream has bits is refused before the frame's memory is taken.
        let sampleCount = rows * columns * count
        guard sampleCount <= bytes.count * 8 else {
            throw malformed("\(bytes.count) bytes cannot hold the \(sampleCount) samples the frame header announces")
        }
        frame = Frame(precision: precision, rows: rows, columns: columns, components: components)
        samples = [UInt16](repeating: 0, count: sampleCount)
        componentDecoded = [Bool](repeating: false, count: count)
        pointTransforms = [Int](repeating: 0, count: count)
    }

    private mutating func readHuffmanTables(_ body: ArraySlice<UInt8>) throws(CodecError) {
        var index = body.startIndex
        while index < body.endIndex {
            guard index + 17 <= body.endIndex else { throw malformed("a DHT table is cut off before its 16 code counts") }
            let kind = body[index] >> 4, identifier = Int(body[index] & 0x0F)
            guard kind == 0, identifier < 4 else {
                throw malformed("DHT table class \(kind) number \(identifier): lossless JPEG uses DC tables 0 to 3")
            }
            let counts = body[(index + 1)..<(index + 17)].map(Int.init)
            let total = counts.reduce(0, +)
            guard index + 17 + total <= body.endIndex else { throw malformed("DHT table \(identifier) is cut off inside its \(total) symbols") }
            do {
                tables[identifier] = try JPEGHuffmanTable(counts: counts, symbols: Array(body[(index + 17)..<(index + 17 + total)]))
            } catch {
                throw malformed("DHT table \(identifier) is not a valid Huffman table: \(error)")
            }
            index += 17 + total
        }
    }

    private func readScanHeader(_ body: ArraySlice<UInt8>) throws(CodecError) -> Scan {
        guard let frame else { throw malformed("a scan begins before the SOF3 frame header") }
        let body = Array(body)
        guard let count = body.first.map(Int.init), (1...4).contains(count), body.count == 4 + 2 * count else {
            throw malformed("the SOS segment's length does not match its component count")
        }
        var components: [(index: Int, table: Int)] = []
        for position in 0..<count {
            let identifier = body[1 + 2 * position], table = Int(body[2 + 2 * position] >> 4)
            guard let component = frame.components.first(where: { $0.identifier == identifier }),
                  !components.contains(where: { $0.index == component.index }) else {
                throw malformed("the scan names component \(identifier), not a component of the frame or named twice")
            }
            guard table < 4, tables[table] != nil else { throw malformed("the scan uses Huffman table \(table), which no DHT segment defined") }
            components.append((component.index, table))
        }
        let predictor = Int(body[1 + 2 * count]), pointTransform = Int(body[3 + 2 * count] & 0x0F)
        guard (1...7).contains(predictor) else {
            throw malformed("predictor selection value \(predictor); a non-hierarchical lossless scan uses 1 to 7")
        }
        guard pointTransform < frame.precision else { throw malformed("point transform \(pointTransform) of \(frame.precision)-bit samples") }
        return Scan(components: components, predictor: predictor, pointTransform: pointTransform)
    }

    /// The scan's entropy-coded data, from `position` to the marker that follows it (T.81 H.1.2,
    /// H.2). `position` is left at that marker.
    private mutating func decodeScan(_ scan: Scan) throws(CodecError) {
        guard let frame else { throw malformed("a scan begins before the SOF3 frame header") }
        let width = frame.columns, stride = frame.components.count
        let precision = frame.precision - scan.pointTransform
        let mask = 1 << precision - 1
        let scanTables = scan.components.compactMap { tables[$0.table] }
        guard scanTables.count == scan.components.count else { throw malformed("the scan uses a Huffman table no DHT segment defined") }
        // Prediction restarts with each interval's first row (T.81 H.1.2.1), so intervals are whole rows, as libjpeg also requires.
        guard restartInterval % width == 0 else {
            throw malformed("restart interval \(restartInterval) is not a whole number of \(width)-pixel rows")
        }
        var reader = JPEGBitReader(bytes, from: position)
        var restartStart = 0  // the pixel where the scan or its latest restart interval began
        var restartNumber = 0
        let pixels = frame.rows * width
        for pixel in 0..<pixels {
            if restartInterval > 0, pixel > 0, pixel % restartInterval == 0 {
                guard reader.isAtEndOfSegment(), reader.marker() == JPEGMarker.firstRestart + UInt8(restartNumber) else {
                    throw malformed("restart marker RST\(restartNumber) missing after pixel \(pixel) of the scan")
                }
                reader.skipMarker()
                restartNumber = (restartNumber + 1) % 8
                restartStart = pixel
            }
            let column = pixel % width
            for (component, table) in zip(scan.components, scanTables) {
                let here = pixel * stride + component.index
                let prediction: Int
                if pixel == restartStart {
                    prediction = 1 << (precision - 1)
                } else if pixel < restartStart + width {
                    prediction = Int(samples[here - stride])
                } else if column == 0 {
                    prediction = Int(samples[here - width * stride])
                } else {
                    let left = Int(samples[here - stride]), above = Int(samples[here - width * stride])
                    let diagonal = Int(samples[here - (width + 1) * stride])
                    switch scan.predictor {
                    case 1: prediction = left
                    case 2: prediction = above
                    case 3: prediction = diagonal
                    case 4: prediction = left + above - diagonal
                    case 5: prediction = left + (above - diagonal) >> 1
                    case 6: prediction = above + (left - diagonal) >> 1
                    default: prediction = (left + above) >> 1
                    }
                }
                let difference: Int
                do {
                    difference = try Self.difference(&reader, table: table)
                } catch {
                    throw malformed(error.invalidCode ? "an invalid Huffman code at pixel \(pixel) of the scan"
                                    : "the entropy-coded data ends at pixel \(pixel) of \(pixels)")
                }
                // Differences are modulo 2^16 (T.81 H.2.1); the sample keeps the scan's precision.
                samples[here] = UInt16((prediction + difference) & 0xFFFF & mask)
            }
        }
        for component in scan.components {
            componentDecoded[component.index] = true
            pointTransforms[component.index] = scan.pointTransform
        }
        // Past the last byte with data: what follows is the next marker, after any fill bytes.
        _ = reader.isAtEndOfSegment()
        position = reader.position
        while position < bytes.count, !(bytes[position] == 0xFF && position + 1 < bytes.count && bytes[position + 1] != 0 && bytes[position + 1] != 0xFF) {
            position += 1
        }
    }

    /// One difference: its category SSSS by Huffman code, then SSSS bits (T.81 H.1.2.2, F.2.2.1);
    /// category 16 is 32768 with no bits following.
    private static func difference(_ reader: inout JPEGBitReader, table: JPEGHuffmanTable) throws(JPEGBitReader.Exhausted) -> Int {
        let category = Int(try table.decodeSymbol(&reader))
        switch category {
        case 0: return 0
        case 16: return 32768
        default:
            let bits = try reader.bits(category)
            return bits < 1 << (category - 1) ? bits - (1 << category) + 1 : bits
        }
    }

    /// The decoded samples as native little-endian pixels, once every component has been in a scan.
    private func finish() throws(CodecError) -> DecodedFrame {
        guard frame != nil else { throw malformed("the stream ends without a SOF3 frame header") }
        guard let missing = componentDecoded.firstIndex(of: false) else { return DecodedFrame(bytes: nativeBytes(), layout: decodedLayout) }
        throw malformed("component \(missing + 1) of the frame is in no scan")
    }

    private var decodedLayout: FrameLayout {
        var decoded = layout
        decoded.isPlanar = false
        return decoded
    }

    private func nativeBytes() -> [UInt8] {
        let components = pointTransforms.count
        // Signed samples narrower than their allocation are sign-extended, as native pixel data holds them.
        let extendFrom = layout.isSigned && layout.bitsStored < layout.bitsAllocated ? layout.bitsStored : 0
        if layout.bitsAllocated == 8 {
            return samples.indices.map { UInt8(truncatingIfNeeded: Int(samples[$0]) << pointTransforms[$0 % components]) }
        }
        var native = [UInt8](repeating: 0, count: samples.count * 2)
        for index in samples.indices {
            var value = Int(samples[index]) << pointTransforms[index % components] & 0xFFFF
            if extendFrom > 0, value & 1 << (extendFrom - 1) != 0 { value |= 0xFFFF << extendFrom & 0xFFFF }
            native[2 * index] = UInt8(value & 0xFF)
            native[2 * index + 1] = UInt8(value >> 8)
        }
        return native
    }
}
