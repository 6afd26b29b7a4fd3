/// Decodes one frame's JPEG stream of process 14 (T.81 Annex H): the frame header (SOF3), Huffman
/// tables (DHT), restart interval (DRI) and one or more scans, each with its predictor and point
/// transform, into native little-endian samples, interleaved.
struct JPEGLosslessDecoder {
    private struct Scan {
        /// Frame component indices, in scan order, with the DC table each one's differences use.
        let components: [(index: Int, table: JPEGHuffmanTable)]
        let predictor: Int
        let pointTransform: Int
    }

    private let layout: FrameLayout
    private let syntax: String
    private var reader: JPEGMarkerReader
    private var frame: JPEGFrameHeader?
    private var tables: [JPEGHuffmanTable?] = [nil, nil, nil, nil]
    private var restartInterval = 0
    /// Samples of the frame as decoded (before the point transform is undone), interleaved.
    private var samples: [UInt16] = []
    private var componentDecoded: [Bool] = []
    private var pointTransforms: [Int] = []

    init(_ bytes: [UInt8], layout: FrameLayout, syntax: String) {
        self.layout = layout
        self.syntax = syntax
        reader = JPEGMarkerReader(bytes, syntax: syntax, frameMarkers: [JPEGMarker.losslessHuffmanFrame],
                                  processes: "lossless Huffman coded frames (SOF3)")
    }

    private func malformed(_ reason: String) -> CodecError {
        .malformed(syntax: syntax, reason: reason)
    }

    mutating func decode() throws(CodecError) -> DecodedFrame {
        guard layout.bitsAllocated == 8 || layout.bitsAllocated == 16 else {
            throw .unsupported(syntax: syntax, reason: "Bits Allocated \(layout.bitsAllocated); JPEG Lossless frames are 8 or 16 bits allocated")
        }
        try reader.readStartOfImage()
        while true {
            switch try reader.next() {
            case .endOfImage:
                return try finish()
            case .frameHeader(let header):
                try readFrameHeader(header)
            case .huffmanTables(let body):
                for definition in try JPEGHuffmanTable.tables(inSegment: body, maximumSymbols: [16], syntax: syntax) {
                    tables[definition.identifier] = definition.table
                }
            case .quantizationTables:
                break  // quantization tables say nothing about lossless pixels
            case .restartInterval(let interval):
                restartInterval = interval
            case .scanHeader(let header):
                try decodeScan(try readScanHeader(header))
            }
        }
    }

    private mutating func readFrameHeader(_ header: JPEGFrameHeader) throws(CodecError) {
        guard (2...16).contains(header.precision) else { throw malformed("sample precision \(header.precision); lossless JPEG has 2 to 16 bits") }
        guard header.rows > 0 else {
            throw .unsupported(syntax: syntax, reason: "the frame header gives 0 lines, to be set by a DNL marker, which DICOM frames do not use")
        }
        try header.check(against: layout, syntax: syntax)
        if let subsampled = header.components.first(where: { $0.horizontal != 1 || $0.vertical != 1 }) {
            throw .unsupported(syntax: syntax, reason: "component \(subsampled.identifier) is subsampled "
                               + "(factors \(subsampled.horizontal)x\(subsampled.vertical)); lossless frames are not")
        }
        // Each sample costs at least one bit of a Huffman code: a header claiming more samples than
        // the stream has bits is refused before the frame's memory is taken.
        let count = header.components.count, sampleCount = header.rows * header.columns * count
        guard sampleCount <= reader.bytes.count * 8 else {
            throw malformed("\(reader.bytes.count) bytes cannot hold the \(sampleCount) samples the frame header announces")
        }
        frame = header
        samples = [UInt16](repeating: 0, count: sampleCount)
        componentDecoded = [Bool](repeating: false, count: count)
        pointTransforms = [Int](repeating: 0, count: count)
    }

    private func readScanHeader(_ header: JPEGScanHeader) throws(CodecError) -> Scan {
        guard let frame else { throw malformed("a scan begins before the SOF3 frame header") }
        let indices = try header.frameIndices(in: frame, syntax: syntax)
        var components: [(index: Int, table: JPEGHuffmanTable)] = []
        for (index, component) in zip(indices, header.components) {
            guard component.dcTable < 4, let table = tables[component.dcTable] else {
                throw malformed("the scan uses Huffman table \(component.dcTable), which no DHT segment defined")
            }
            components.append((index, table))
        }
        let predictor = header.spectralStart, pointTransform = header.pointTransform
        guard (1...7).contains(predictor) else {
            throw malformed("predictor selection value \(predictor); a non-hierarchical lossless scan uses 1 to 7")
        }
        guard pointTransform < frame.precision else { throw malformed("point transform \(pointTransform) of \(frame.precision)-bit samples") }
        return Scan(components: components, predictor: predictor, pointTransform: pointTransform)
    }

    /// The scan's entropy-coded data, from the reader's position to the marker that follows it
    /// (T.81 H.1.2, H.2), where the reader is left.
    private mutating func decodeScan(_ scan: Scan) throws(CodecError) {
        guard let frame else { throw malformed("a scan begins before the SOF3 frame header") }
        let width = frame.columns, stride = frame.components.count
        let precision = frame.precision - scan.pointTransform
        let mask = 1 << precision - 1
        // Prediction restarts with each interval's first row (T.81 H.1.2.1), so intervals are whole rows, as libjpeg also requires.
        guard restartInterval % width == 0 else {
            throw malformed("restart interval \(restartInterval) is not a whole number of \(width)-pixel rows")
        }
        var bits = JPEGBitReader(reader.bytes, from: reader.position)
        var restartStart = 0  // the pixel where the scan or its latest restart interval began
        let pixels = frame.rows * width
        for pixel in 0..<pixels {
            if restartInterval > 0, pixel > 0, pixel % restartInterval == 0 {
                let number = (pixel / restartInterval - 1) % 8
                guard bits.skipRestartMarker(number) else { throw malformed("restart marker RST\(number) missing after pixel \(pixel) of the scan") }
                restartStart = pixel
            }
            let column = pixel % width
            for component in scan.components {
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
                    difference = try Self.difference(&bits, table: component.table)
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
        reader.skipEntropyCodedData(readBy: &bits)
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
