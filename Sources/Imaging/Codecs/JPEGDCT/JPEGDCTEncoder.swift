/// Encodes a greyscale frame of up to 12 bits as sequential DCT JPEG with Huffman coding (T.81
/// process 4, SOF1): the T.81 Table K.1 quantization table scaled to a quality, and Huffman tables
/// computed from the frame's own symbols (Annex K.2), since the example tables of Annex K do not
/// hold the larger categories of 12-bit samples.
struct JPEGDCTEncoder {
    let syntax: String
    let quality: Int
    /// Blocks between restart markers (DRI, RSTn); 0 writes none. Restart intervals let a reader
    /// resynchronise after damaged bytes, at a few bytes each.
    var restartInterval = 0
    static let precision = 12

    func encode(_ native: [UInt8], layout: FrameLayout) throws(CodecError) -> [UInt8] {
        let samples = try samples(native, layout: layout)
        let precision = Self.precision
        // Entries above 255 need the 16-bit DQT form, which only 12-bit frames may use (T.81 B.2.4.1).
        let table = JPEGDCT.quantization(quality: quality, maximum: 32767)
        let shift = Double(1 << (precision - 1))
        let blocksPerLine = (layout.columns + 7) / 8, blockRows = (layout.rows + 7) / 8

        // Each block's quantized coefficients in zig-zag order; edge blocks repeat the last column and row.
        var blocks: [[Int]] = []
        blocks.reserveCapacity(blocksPerLine * blockRows)
        var block = [Double](repeating: 0, count: 64)
        for blockRow in 0..<blockRows {
            for blockColumn in 0..<blocksPerLine {
                for y in 0..<8 {
                    let row = min(layout.rows - 1, blockRow * 8 + y)
                    for x in 0..<8 {
                        block[y * 8 + x] = Double(samples[row * layout.columns + min(layout.columns - 1, blockColumn * 8 + x)]) - shift
                    }
                }
                let coefficients = JPEGDCT.forward(block)
                blocks.append((0..<64).map { k in
                    let q = Double(table[JPEGDCT.natural[k]])
                    return Int((coefficients[JPEGDCT.natural[k]] / q).rounded())
                })
            }
        }

        // First pass: the symbols' frequencies; second: the codes.
        guard (0...65535).contains(restartInterval) else {
            throw .unsupported(syntax: syntax, reason: "restart interval \(restartInterval); a DRI segment holds at most 65535")
        }
        var dcFrequencies = [Int](repeating: 0, count: 16), acFrequencies = [Int](repeating: 0, count: 256)
        symbols(of: blocks) { symbol, _, _, isDC in
            if isDC { dcFrequencies[symbol] += 1 } else { acFrequencies[symbol] += 1 }
        } restart: { _ in }
        let dcTable = JPEGHuffmanTable.optimal(for: dcFrequencies), acTable = JPEGHuffmanTable.optimal(for: acFrequencies)
        let dcCodes = dcTable.codes(), acCodes = acTable.codes()
        var writer = JPEGBitWriter(reservingCapacity: native.count / 4 + 1024)
        symbols(of: blocks) { symbol, value, size, isDC in
            // Present: each table was built from these symbols.
            guard let code = isDC ? dcCodes[symbol] : acCodes[symbol] else { return }
            writer.write(code.code, count: code.length)
            // Negative values are written as value - 1 in `size` bits (T.81 F.1.2.1.1).
            if size > 0 { writer.write(value < 0 ? value - 1 : value, count: size) }
        } restart: { number in
            writer.writeMarker(JPEGMarker.firstRestart + UInt8(number % 8))
        }
        let entropyCoded = writer.finish()

        let wide = table.contains { $0 > 255 }
        var stream: [UInt8] = [0xFF, JPEGMarker.startOfImage]
        stream += Self.segment(JPEGMarker.defineQuantizationTables,
                               [wide ? 0x10 : 0x00] + JPEGDCT.natural.flatMap { wide ? Self.word(table[$0]) : [UInt8(table[$0])] })
        stream += Self.segment(JPEGMarker.extendedHuffmanFrame, [UInt8(precision)] + Self.word(layout.rows) + Self.word(layout.columns) + [1, 1, 0x11, 0])
        stream += Self.segment(JPEGMarker.defineHuffmanTables, [0x00] + dcTable.counts.map(UInt8.init) + dcTable.symbols
                               + [0x10] + acTable.counts.map(UInt8.init) + acTable.symbols)
        if restartInterval > 0 { stream += Self.segment(JPEGMarker.defineRestartInterval, Self.word(restartInterval)) }
        stream += Self.segment(JPEGMarker.startOfScan, [1, 1, 0x00, 0, 63, 0])
        stream += entropyCoded
        stream += [0xFF, JPEGMarker.endOfImage]
        return stream
    }

    /// Walks the blocks' symbols in coding order (T.81 F.1.2): each DC difference's category, then
    /// each AC run/size (ZRL for 16 zeros, EOB after the last non-zero); `emit(symbol, value, size, isDC)`,
    /// and `restart(n)` between restart intervals, where the DC prediction starts again from 0.
    private func symbols(of blocks: [[Int]], _ emit: (Int, Int, Int, Bool) -> Void, restart: (Int) -> Void) {
        var previous = 0
        for (index, block) in blocks.enumerated() {
            if restartInterval > 0, index > 0, index % restartInterval == 0 {
                restart(index / restartInterval - 1)
                previous = 0
            }
            let difference = block[0] - previous
            previous = block[0]
            let dcSize = Self.size(difference)
            emit(dcSize, difference, dcSize, true)
            var run = 0
            for k in 1..<64 {
                let value = block[k]
                if value == 0 {
                    run += 1
                    continue
                }
                while run >= 16 {
                    emit(0xF0, 0, 0, false)
                    run -= 16
                }
                let size = Self.size(value)
                emit(run << 4 | size, value, size, false)
                run = 0
            }
            if run > 0 { emit(0x00, 0, 0, false) }
        }
    }

    /// The category of a value: the bits of its magnitude.
    private static func size(_ value: Int) -> Int {
        Int.bitWidth - value.magnitude.leadingZeroBitCount
    }

    /// The frame's samples, row-major; checked to be what a 12-bit greyscale DCT frame can hold.
    private func samples(_ native: [UInt8], layout: FrameLayout) throws(CodecError) -> [Int] {
        guard layout.samplesPerPixel == 1 else {
            throw .unsupported(syntax: syntax, reason: "\(layout.samplesPerPixel) samples per pixel at \(layout.bitsStored) bits; "
                               + "colour is encoded at 8 bits (JPEG Baseline), greyscale up to 12")
        }
        guard layout.bitsAllocated == 16, (9...12).contains(layout.bitsStored), !layout.isSigned else {
            throw .unsupported(syntax: syntax, reason: "Bits Allocated \(layout.bitsAllocated), Bits Stored \(layout.bitsStored)"
                               + (layout.isSigned ? ", signed" : "") + "; 12-bit lossy JPEG encodes unsigned samples of 9 to 12 bits in 16 allocated")
        }
        guard native.count == layout.nativeLength else {
            throw .layoutMismatch(syntax: syntax, reason: "the frame is \(native.count) bytes, \(layout.nativeLength) expected from its rows, columns, samples and bits")
        }
        let mask = 1 << layout.bitsStored - 1
        return (0..<(layout.rows * layout.columns)).map { (Int(native[2 * $0]) | Int(native[2 * $0 + 1]) << 8) & mask }
    }

    private static func word(_ value: Int) -> [UInt8] {
        [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func segment(_ marker: UInt8, _ body: [UInt8]) -> [UInt8] {
        [0xFF, marker] + word(body.count + 2) + body
    }
}
