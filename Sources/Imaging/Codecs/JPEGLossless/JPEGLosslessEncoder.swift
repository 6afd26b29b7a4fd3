/// Encodes a native frame as JPEG process 14 with selection value 1 (the predictor is the sample
/// to the left): one interleaved scan of every component, no point transform, and one Huffman
/// table computed from the frame's own differences (T.81 Annex K.2).
struct JPEGLosslessEncoder {
    let syntax: String
    /// Pixels between restart markers (DRI, RSTn), a whole number of rows (T.81 H.1.2.1); 0 writes
    /// none. Restart intervals let a reader resynchronise after damaged bytes, at a few bytes each.
    var restartInterval = 0

    func encode(_ native: [UInt8], layout: FrameLayout) throws(CodecError) -> EncodedFrame {
        let samples = try Self.samples(native, layout: layout, syntax: syntax)
        // Bits Stored is the JPEG precision, as readers expect; 1-bit samples are coded as 2 (T.81's least).
        let precision = max(2, layout.bitsStored)
        let components = layout.samplesPerPixel
        guard (0...65535).contains(restartInterval), restartInterval % layout.columns == 0 else {
            throw .unsupported(syntax: syntax, reason: "restart interval \(restartInterval); it is a whole number of "
                               + "\(layout.columns)-pixel rows, and a DRI segment holds at most 65535")
        }
        let differences = differences(samples, precision: precision, components: components, width: layout.columns)
        // The difference category SSSS of each sample: the bits of its magnitude, 16 for -32768.
        let categories = differences.map { Int.bitWidth - $0.magnitude.leadingZeroBitCount }
        var frequencies = [Int](repeating: 0, count: 17)
        for category in categories { frequencies[category] += 1 }
        let table = JPEGHuffmanTable.optimal(for: frequencies)
        let codes = table.codes()

        var writer = JPEGBitWriter(reservingCapacity: native.count / 2 + 1024)
        for (index, category) in categories.enumerated() {
            let pixel = index / components
            if restartInterval > 0, pixel > 0, index % components == 0, pixel % restartInterval == 0 {
                writer.writeMarker(JPEGMarker.firstRestart + UInt8((pixel / restartInterval - 1) % 8))
            }
            // Present: the table was built from these categories.
            guard let code = codes[category] else { continue }
            writer.write(code.code, count: code.length)
            if category > 0, category < 16 {
                // Negative differences are written as difference - 1 in `category` bits (T.81 F.1.2.1.1).
                let difference = differences[index]
                writer.write(difference < 0 ? difference - 1 : difference, count: category)
            }
        }
        let entropyCoded = writer.finish()

        var stream: [UInt8] = [0xFF, JPEGMarker.startOfImage]
        stream += Self.segment(JPEGMarker.losslessHuffmanFrame, [UInt8(precision)] + Self.word(layout.rows) + Self.word(layout.columns)
                               + [UInt8(components)] + (0..<components).flatMap { [UInt8($0 + 1), 0x11, 0] })
        stream += Self.segment(JPEGMarker.defineHuffmanTables, [0x00] + table.counts.map(UInt8.init) + table.symbols)
        if restartInterval > 0 { stream += Self.segment(JPEGMarker.defineRestartInterval, Self.word(restartInterval)) }
        // Selection value 1, spectral end 0, point transform 0; every component codes with table 0.
        stream += Self.segment(JPEGMarker.startOfScan, [UInt8(components)] + (0..<components).flatMap { [UInt8($0 + 1), 0x00] } + [1, 0, 0])
        stream += entropyCoded
        stream += [0xFF, JPEGMarker.endOfImage]
        return EncodedFrame(bytes: stream, photometricInterpretation: layout.photometricInterpretation)
    }

    /// Each sample less its prediction, modulo 2^16 as a signed number (T.81 H.1.2.2): the first
    /// sample of the scan and of each restart interval is predicted by 2^(P-1), the rest of that
    /// first row by the sample to the left, the first of each later row by the one above.
    private func differences(_ samples: [Int], precision: Int, components: Int, width: Int) -> [Int] {
        samples.indices.map { index in
            let pixel = index / components
            let start = restartInterval > 0 ? pixel / restartInterval * restartInterval : 0
            let prediction = if pixel == start {
                1 << (precision - 1)
            } else if pixel < start + width || pixel % width != 0 {
                samples[index - components]
            } else {
                samples[index - width * components]
            }
            return Int(Int16(truncatingIfNeeded: samples[index] - prediction))
        }
    }

    /// The frame's samples, interleaved by pixel, each masked to Bits Stored (the bits JPEG keeps;
    /// a signed sample's extension above them is restored on decoding).
    private static func samples(_ native: [UInt8], layout: FrameLayout, syntax: String) throws(CodecError) -> [Int] {
        guard (1...65535).contains(layout.rows), (1...65535).contains(layout.columns), (1...4).contains(layout.samplesPerPixel) else {
            throw .layoutMismatch(syntax: syntax, reason: "Rows \(layout.rows), Columns \(layout.columns), Samples per Pixel "
                                  + "\(layout.samplesPerPixel): a JPEG frame has 1 to 65535 rows and columns and 1 to 4 samples")
        }
        guard layout.bitsAllocated == 8 || layout.bitsAllocated == 16 else {
            throw .unsupported(syntax: syntax, reason: "Bits Allocated \(layout.bitsAllocated); JPEG Lossless frames are 8 or 16 bits allocated")
        }
        guard (1...layout.bitsAllocated).contains(layout.bitsStored) else {
            throw .layoutMismatch(syntax: syntax, reason: "Bits Stored \(layout.bitsStored) with Bits Allocated \(layout.bitsAllocated)")
        }
        guard !layout.photometricInterpretation.hasPrefix("YBR_FULL_422") else {
            throw .unsupported(syntax: syntax, reason: "YBR_FULL_422 frames are subsampled; convert them to RGB or YBR_FULL first")
        }
        guard native.count == layout.nativeLength else {
            throw .layoutMismatch(syntax: syntax,
                                  reason: "the frame is \(native.count) bytes, \(layout.nativeLength) expected from its rows, columns, samples and bits")
        }
        let pixels = layout.rows * layout.columns, components = layout.samplesPerPixel, bytesPerSample = layout.bitsAllocated / 8
        let mask = 1 << layout.bitsStored - 1
        var samples = [Int](repeating: 0, count: pixels * components)
        for pixel in 0..<pixels {
            for component in 0..<components {
                let sample = layout.isPlanar ? component * pixels + pixel : pixel * components + component
                let offset = sample * bytesPerSample
                let value = bytesPerSample == 1 ? Int(native[offset]) : Int(native[offset]) | Int(native[offset + 1]) << 8
                samples[pixel * components + component] = value & mask
            }
        }
        return samples
    }

    private static func word(_ value: Int) -> [UInt8] {
        [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func segment(_ marker: UInt8, _ body: [UInt8]) -> [UInt8] {
        [0xFF, marker] + word(body.count + 2) + body
    }
}
