/// Decodes one frame's JPEG stream of the sequential DCT processes with Huffman coding (T.81
/// Annex F: SOF0 baseline and SOF1 extended, 8- or 12-bit samples), in Swift: DQT, DHT, DRI and
/// one or more scans, interleaved or not, any sampling factors. It computes as libjpeg does (islow
/// IDCT, smooth upsampling of 2:1 chroma, fixed-point colour), so its samples are DCMTK's and
/// libjpeg-turbo's. Three components are converted from YCbCr to RGB only when the Photometric
/// Interpretation says YBR (the DICOM convention, pydicom's and DCMTK's: RGB means no colour transform).
struct JPEGDCTDecoder {
    private struct Component {
        let identifier: UInt8
        let horizontal: Int
        let vertical: Int
        let quantizationTable: Int
        /// Blocks per row and rows of blocks in the component's plane, covering whole MCUs.
        let blocksPerLine: Int
        let blockRows: Int
        /// The component's own size in samples (T.81 A.1.1).
        let width: Int
        let height: Int
    }

    private struct Frame {
        let header: JPEGFrameHeader
        let components: [Component]
        let maximumHorizontal: Int
        let maximumVertical: Int
        let mcusPerLine: Int
        let mcuRows: Int

        var precision: Int { header.precision }
        var rows: Int { header.rows }
        var columns: Int { header.columns }
    }

    private struct ScanComponent {
        let index: Int
        let dcTable: JPEGHuffmanTable
        let acTable: JPEGHuffmanTable
    }

    private let layout: FrameLayout
    private let syntax: String
    private var reader: JPEGMarkerReader
    private var frame: Frame?
    private var dcTables: [JPEGHuffmanTable?] = [nil, nil, nil, nil]
    private var acTables: [JPEGHuffmanTable?] = [nil, nil, nil, nil]
    /// Quantization tables in zig-zag order.
    private var quantization: [[Int]?] = [nil, nil, nil, nil]
    private var restartInterval = 0
    /// Each component's samples, blocksPerLine * 8 wide.
    private var planes: [[Int32]] = []
    private var componentDecoded: [Bool] = []

    init(_ bytes: [UInt8], layout: FrameLayout, syntax: String) {
        self.layout = layout
        self.syntax = syntax
        reader = JPEGMarkerReader(bytes, syntax: syntax, frameMarkers: [JPEGMarker.baselineFrame, JPEGMarker.extendedHuffmanFrame],
                                  processes: "the sequential Huffman processes (SOF0, SOF1)")
    }

    private func malformed(_ reason: String) -> CodecError {
        .malformed(syntax: syntax, reason: reason)
    }

    /// The sample precision of the stream's frame header (8 or 12 for the DCT processes), read
    /// without decoding: which decoder a frame goes to depends on it. Nil when no frame header is found.
    static func precision(of bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == JPEGMarker.startOfImage else { return nil }
        var position = 2
        while position + 4 <= bytes.count, bytes[position] == 0xFF {
            let marker = bytes[position + 1]
            if marker == 0xFF { position += 1; continue }
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            if JPEGMarker.isStartOfFrame(marker) {
                return position + 4 < bytes.count ? Int(bytes[position + 4]) : nil
            }
            position += 2 + length
        }
        return nil
    }

    mutating func decode() throws(CodecError) -> DecodedFrame {
        guard layout.bitsAllocated == 8 || layout.bitsAllocated == 16 else {
            throw .unsupported(syntax: syntax, reason: "Bits Allocated \(layout.bitsAllocated); lossy JPEG frames are 8 or 16 bits allocated")
        }
        try reader.readStartOfImage()
        while true {
            switch try reader.next() {
            case .endOfImage:
                return try finish()
            case .frameHeader(let header):
                try readFrameHeader(header)
            case .huffmanTables(let body):
                // DC symbols are difference categories, at most 15 for 12-bit samples (T.81 F.1.2.1.1).
                for definition in try JPEGHuffmanTable.tables(inSegment: body, maximumSymbols: [15, 255], syntax: syntax) {
                    if definition.tableClass == 0 { dcTables[definition.identifier] = definition.table } else { acTables[definition.identifier] = definition.table }
                }
            case .quantizationTables(let body):
                try readQuantizationTables(body)
            case .restartInterval(let interval):
                restartInterval = interval
            case .scanHeader(let header):
                try decodeScan(try readScanHeader(header))
            }
        }
    }

    private mutating func readFrameHeader(_ header: JPEGFrameHeader) throws(CodecError) {
        let precision = header.precision, rows = header.rows, columns = header.columns, count = header.components.count
        guard count <= 4 else { throw malformed("the frame has \(count) components; the DCT processes code 1 to 4") }
        guard precision == 8 || precision == 12 else { throw malformed("sample precision \(precision); the DCT processes have 8 or 12 bits") }
        guard rows > 0, columns > 0 else {
            throw .unsupported(syntax: syntax, reason: "the frame header gives \(columns)x\(rows) samples; a line count set by DNL is not used in DICOM")
        }
        try header.check(against: layout, syntax: syntax)
        let factors = header.components.flatMap { [$0.horizontal, $0.vertical] }
        guard factors.allSatisfy({ (1...4).contains($0) }) else { throw malformed("a sampling factor outside 1 to 4") }
        let maximumHorizontal = header.components.map(\.horizontal).max() ?? 1, maximumVertical = header.components.map(\.vertical).max() ?? 1
        let mcusPerLine = (columns + 8 * maximumHorizontal - 1) / (8 * maximumHorizontal)
        let mcuRows = (rows + 8 * maximumVertical - 1) / (8 * maximumVertical)
        var components: [Component] = []
        for component in header.components {
            let identifier = component.identifier, table = component.quantizationTable
            guard table < 4 else { throw malformed("component \(identifier) uses quantization table \(table); there are 4") }
            let h = component.horizontal, v = component.vertical
            components.append(Component(identifier: identifier, horizontal: h, vertical: v, quantizationTable: table,
                                        blocksPerLine: mcusPerLine * h, blockRows: mcuRows * v,
                                        width: (columns * h + maximumHorizontal - 1) / maximumHorizontal,
                                        height: (rows * v + maximumVertical - 1) / maximumVertical))
        }
        // Each block costs at least two bits (its DC code and an end of block): a header claiming
        // more blocks than the stream has bits for is refused before the frame's memory is taken.
        let blocks = components.reduce(0) { $0 + $1.blocksPerLine * $1.blockRows }
        guard blocks <= reader.bytes.count * 4 else {
            throw malformed("\(reader.bytes.count) bytes cannot hold the \(blocks) blocks the frame header announces")
        }
        frame = Frame(header: header, components: components, maximumHorizontal: maximumHorizontal,
                      maximumVertical: maximumVertical, mcusPerLine: mcusPerLine, mcuRows: mcuRows)
        planes = components.map { [Int32](repeating: 0, count: $0.blocksPerLine * $0.blockRows * 64) }
        componentDecoded = [Bool](repeating: false, count: count)
    }

    private mutating func readQuantizationTables(_ body: ArraySlice<UInt8>) throws(CodecError) {
        var index = body.startIndex
        while index < body.endIndex {
            let wide = body[index] >> 4, identifier = Int(body[index] & 0x0F)
            guard wide <= 1, identifier < 4 else { throw malformed("DQT table precision \(wide) number \(identifier); there are 8- and 16-bit tables 0 to 3") }
            let length = wide == 1 ? 128 : 64
            guard index + 1 + length <= body.endIndex else { throw malformed("DQT table \(identifier) is cut off") }
            quantization[identifier] = (0..<64).map { k in
                wide == 1 ? Int(body[index + 1 + 2 * k]) << 8 | Int(body[index + 2 + 2 * k]) : Int(body[index + 1 + k])
            }
            index += 1 + length
        }
    }

    private func readScanHeader(_ header: JPEGScanHeader) throws(CodecError) -> [ScanComponent] {
        guard let frame else { throw malformed("a scan begins before the frame header") }
        // Ss, Se, Ah and Al mean nothing to a sequential scan (T.81 B.2.3); some writers leave other values there, as libjpeg tolerates.
        var components: [ScanComponent] = []
        for (index, component) in zip(try header.frameIndices(in: frame.header, syntax: syntax), header.components) {
            let dc = component.dcTable, ac = component.acTable
            guard dc < 4, ac < 4, let dcTable = dcTables[dc], let acTable = acTables[ac] else {
                throw malformed("the scan uses Huffman tables DC \(dc) and AC \(ac), which no DHT segment defined")
            }
            guard quantization[frame.components[index].quantizationTable] != nil else {
                throw malformed("component \(component.identifier) uses quantization table \(frame.components[index].quantizationTable), which no DQT segment defined")
            }
            components.append(ScanComponent(index: index, dcTable: dcTable, acTable: acTable))
        }
        let blocksInMCU = components.reduce(0) { $0 + frame.components[$1.index].horizontal * frame.components[$1.index].vertical }
        guard components.count == 1 || blocksInMCU <= 10 else { throw malformed("an MCU of \(blocksInMCU) blocks; T.81 B.2.3 allows 10") }
        return components
    }

    /// The scan's entropy-coded data (T.81 F.2), from the reader's position to the marker after it, where the reader is left.
    private mutating func decodeScan(_ scan: [ScanComponent]) throws(CodecError) {
        guard let frame else { throw malformed("a scan begins before the frame header") }
        // A scan of one component codes its own blocks in raster order; an interleaved scan codes MCUs (T.81 A.2).
        let single = scan.count == 1
        let only = frame.components[scan[0].index]
        let unitsPerLine = single ? (only.width + 7) / 8 : frame.mcusPerLine
        let units = single ? unitsPerLine * ((only.height + 7) / 8) : frame.mcusPerLine * frame.mcuRows
        let tables = scan.map { quantization[frame.components[$0.index].quantizationTable] ?? [] }
        var bits = JPEGBitReader(reader.bytes, from: reader.position)
        var predictions = [Int](repeating: 0, count: scan.count)
        var coefficients = [Int](repeating: 0, count: 64)
        var samples = [Int32](repeating: 0, count: 64)
        for unit in 0..<units {
            if restartInterval > 0, unit > 0, unit % restartInterval == 0 {
                let number = (unit / restartInterval - 1) % 8
                guard bits.skipRestartMarker(number) else { throw malformed("restart marker RST\(number) missing before MCU \(unit) of the scan") }
                predictions = [Int](repeating: 0, count: scan.count)
            }
            for (scanIndex, component) in scan.enumerated() {
                let info = frame.components[component.index]
                let (across, down) = single ? (1, 1) : (info.horizontal, info.vertical)
                for blockY in 0..<down {
                    for blockX in 0..<across {
                        let column = single ? unit % unitsPerLine : unit % frame.mcusPerLine * info.horizontal + blockX
                        let row = single ? unit / unitsPerLine : unit / frame.mcusPerLine * info.vertical + blockY
                        do {
                            try Self.decodeBlock(&bits, dc: component.dcTable, ac: component.acTable, prediction: &predictions[scanIndex],
                                                 quantization: tables[scanIndex], into: &coefficients)
                        } catch {
                            throw malformed(error.invalidCode ? "an invalid Huffman code in MCU \(unit) of the scan"
                                            : error.pastBlockEnd ? "a run of AC coefficients passes the end of a block in MCU \(unit)"
                                            : "the entropy-coded data ends at MCU \(unit) of \(units)")
                        }
                        JPEGDCT.inverse(coefficients, precision: frame.precision, into: &samples)
                        let stride = info.blocksPerLine * 8, origin = row * 8 * stride + column * 8
                        for y in 0..<8 {
                            for x in 0..<8 { planes[component.index][origin + y * stride + x] = samples[y * 8 + x] }
                        }
                    }
                }
            }
        }
        for component in scan { componentDecoded[component.index] = true }
        reader.skipEntropyCodedData(readBy: &bits)
    }

    /// Why a block could not be decoded.
    private struct BlockError: Error {
        var invalidCode = false
        var pastBlockEnd = false
    }

    /// One block's coefficients, dequantized, row-major (T.81 F.2.2).
    private static func decodeBlock(_ reader: inout JPEGBitReader, dc: JPEGHuffmanTable, ac: JPEGHuffmanTable, prediction: inout Int,
                                    quantization: [Int], into coefficients: inout [Int]) throws(BlockError) {
        for index in 0..<64 { coefficients[index] = 0 }
        do {
            let category = Int(try dc.decodeSymbol(&reader))
            prediction += category == 0 ? 0 : extend(try reader.bits(category), category: category)
            coefficients[0] = prediction * quantization[0]
            var k = 1
            while k < 64 {
                let symbol = Int(try ac.decodeSymbol(&reader))
                let run = symbol >> 4, size = symbol & 0x0F
                if size == 0 {
                    guard run == 15 else { break }  // end of block
                    k += 16
                    continue
                }
                k += run
                guard k < 64 else { throw BlockError(pastBlockEnd: true) }
                coefficients[JPEGDCT.natural[k]] = extend(try reader.bits(size), category: size) * quantization[k]
                k += 1
            }
        } catch let error as JPEGBitReader.Exhausted {
            throw BlockError(invalidCode: error.invalidCode)
        } catch let error as BlockError {
            throw error
        } catch {
            throw BlockError()
        }
    }

    /// A difference's `category` bits as a signed value (T.81 F.2.2.1, Figure F.12).
    private static func extend(_ bits: Int, category: Int) -> Int {
        bits < 1 << (category - 1) ? bits - (1 << category) + 1 : bits
    }

    /// The planes as native little-endian pixels, interleaved, once every component has been in a scan.
    private func finish() throws(CodecError) -> DecodedFrame {
        guard let frame else { throw malformed("the stream ends without a frame header") }
        if let missing = componentDecoded.firstIndex(of: false) { throw malformed("component \(missing + 1) of the frame is in no scan") }
        let count = frame.components.count, pixels = frame.rows * frame.columns
        var values = [Int32](repeating: 0, count: pixels * count)
        for (index, component) in frame.components.enumerated() {
            let full = upsampled(planes[index], component, frame: frame)
            for pixel in 0..<pixels { values[pixel * count + index] = full[pixel] }
        }
        var decoded = layout
        decoded.isPlanar = false
        if count == 3, layout.photometricInterpretation.hasPrefix("YBR_FULL") {
            Self.convertToRGB(&values, precision: frame.precision)
            decoded.photometricInterpretation = "RGB"
        }
        if layout.bitsAllocated == 8 { return DecodedFrame(bytes: values.map { UInt8(truncatingIfNeeded: $0) }, layout: decoded) }
        var native = [UInt8](repeating: 0, count: values.count * 2)
        for (index, value) in values.enumerated() {
            native[2 * index] = UInt8(truncatingIfNeeded: value)
            native[2 * index + 1] = UInt8(truncatingIfNeeded: value >> 8)
        }
        return DecodedFrame(bytes: native, layout: decoded)
    }

    /// A component's plane at the frame's full size, columns x rows. Chroma halved horizontally,
    /// or both ways, is interpolated as libjpeg's "fancy" upsampling does (a triangle filter,
    /// jdsample.c), which DCMTK and libjpeg-turbo also apply, so the colours agree with theirs;
    /// other factors repeat each sample.
    private func upsampled(_ plane: [Int32], _ component: Component, frame: Frame) -> [Int32] {
        let stride = component.blocksPerLine * 8, width = component.width, height = component.height
        let horizontal = frame.maximumHorizontal / component.horizontal, vertical = frame.maximumVertical / component.vertical
        let exact = frame.maximumHorizontal % component.horizontal == 0 && frame.maximumVertical % component.vertical == 0
        var full = [Int32](repeating: 0, count: frame.rows * frame.columns)
        guard exact, horizontal == 2, vertical <= 2, width >= 2 else {
            for row in 0..<frame.rows {
                let y = row * component.vertical / frame.maximumVertical
                for column in 0..<frame.columns {
                    full[row * frame.columns + column] = plane[y * stride + column * component.horizontal / frame.maximumHorizontal]
                }
            }
            return full
        }
        for row in 0..<frame.rows {
            let y = row / vertical
            // Column sums: the nearer row weighs 3, the farther 1 (the edge rows stand in for their missing neighbours).
            let neighbour = vertical == 1 ? y : row % 2 == 0 ? max(0, y - 1) : min(height - 1, y + 1)
            let sums: [Int32] = (0..<width).map { x in
                vertical == 1 ? plane[y * stride + x] : plane[y * stride + x] * 3 + plane[neighbour * stride + x]
            }
            // h2v1 rounds (3a + b + 1 or 2) >> 2 on samples; h2v2 (3a + b + 8 or 7) >> 4 on column sums.
            let (shift, even, odd): (Int32, Int32, Int32) = vertical == 1 ? (2, 1, 2) : (4, 8, 7)
            for x in 0..<width {
                let here = sums[x] * 3
                let left = x == 0 ? sums[x] * 4 : here + sums[x - 1]
                let right = x == width - 1 ? sums[x] * 4 : here + sums[x + 1]
                // The first and last output samples are the edge sums themselves, rounded as libjpeg rounds them.
                let leftValue = x == 0 ? (vertical == 1 ? sums[x] : (left + 8) >> 4) : (left + even) >> shift
                let rightValue = x == width - 1 ? (vertical == 1 ? sums[x] : (right + 7) >> 4) : (right + odd) >> shift
                let column = 2 * x
                if column < frame.columns { full[row * frame.columns + column] = leftValue }
                if column + 1 < frame.columns { full[row * frame.columns + column + 1] = rightValue }
            }
        }
        return full
    }

    /// YCbCr to RGB as JFIF defines it, centred on 2^(P-1) (PS3.3 C.7.6.3.1.2, YBR_FULL), in
    /// libjpeg's 16-bit fixed point (jdcolor.c), so that the colours are DCMTK's and libjpeg-turbo's.
    private static func convertToRGB(_ values: inout [Int32], precision: Int) {
        let centre = 1 << (precision - 1), maximum = 1 << precision - 1, half = 1 << 15
        for pixel in stride(from: 0, to: values.count, by: 3) {
            let y = Int(values[pixel]), cb = Int(values[pixel + 1]) - centre, cr = Int(values[pixel + 2]) - centre
            let red = y + (91881 * cr + half) >> 16                   // FIX(1.40200)
            let green = y + (-22554 * cb - 46802 * cr + half) >> 16   // FIX(0.34414), FIX(0.71414)
            let blue = y + (116130 * cb + half) >> 16                 // FIX(1.77200)
            for (channel, value) in [red, green, blue].enumerated() { values[pixel + channel] = Int32(min(maximum, max(0, value))) }
        }
    }
}
