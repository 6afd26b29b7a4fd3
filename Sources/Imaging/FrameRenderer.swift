/// One frame of native pixel data rendered to 8 bits (PS3.4 N.2 for greyscale: modality LUT,
/// VOI LUT, then MONOCHROME1 inverted; colour samples reduced to 8 bits, a palette looked up,
/// YBR_FULL converted to RGB).
public struct FrameRenderer: Sendable {
    public let description: PixelDescription
    /// The window asked for, instead of the object's own.
    public let window: VOIWindow?

    public init(_ description: PixelDescription, window: VOIWindow? = nil) {
        self.description = description
        self.window = window
    }

    /// `frame`, `description.frameLength` bytes of native pixel data, as an 8-bit raster.
    public func render(_ frame: [UInt8]) throws(RenderingError) -> Raster {
        guard frame.count >= description.frameLength else {
            throw .frameTooShort(length: frame.count, expected: description.frameLength)
        }
        let d = description
        let count = d.rows * d.columns
        switch d.photometricInterpretation {
        case .monochrome1, .monochrome2:
            return Raster(width: d.columns, height: d.rows, channels: 1, pixels: grey(storedValues(frame, count: count)))
        case .paletteColor:
            guard let palette = d.palette, palette.count == 3 else { throw .noPalette }
            let values = storedValues(frame, count: count)
            var pixels = [UInt8](repeating: 0, count: count * 3)
            for (index, value) in values.enumerated() {
                pixels[3 * index] = palette[0](value)
                pixels[3 * index + 1] = palette[1](value)
                pixels[3 * index + 2] = palette[2](value)
            }
            return Raster(width: d.columns, height: d.rows, channels: 3, pixels: pixels)
        case .rgb, .ybrFull:
            let values = storedValues(frame, count: count * 3)
            // Colour samples of more than 8 bits keep their 8 most significant.
            let shift = max(0, d.bitsStored - 8)
            var pixels = [UInt8](repeating: 0, count: count * 3)
            for index in 0..<count {
                for sample in 0..<3 {
                    let at = d.isPlanar ? sample * count + index : 3 * index + sample
                    pixels[3 * index + sample] = UInt8(clamping: values[at] >> shift)
                }
            }
            if d.photometricInterpretation == .ybrFull { Self.convertYBRFullToRGB(&pixels) }
            return Raster(width: d.columns, height: d.rows, channels: 3, pixels: pixels)
        }
    }

    /// The stored values of the first `count` samples: the bits from High Bit down Bits Stored
    /// long, sign-extended when Pixel Representation says signed.
    func storedValues(_ frame: [UInt8], count: Int) -> [Int] {
        let d = description
        let bytes = d.bitsAllocated / 8
        let shift = d.highBit + 1 - d.bitsStored
        let mask = d.bitsStored >= 64 ? -1 : (1 << d.bitsStored) - 1
        let sign = d.bitsStored >= 64 ? 0 : 1 << (d.bitsStored - 1)
        var values = [Int](repeating: 0, count: count)
        frame.withUnsafeBufferPointer { raw in
            for index in 0..<count {
                var word = 0
                for byte in 0..<bytes { word |= Int(raw[index * bytes + byte]) << (8 * byte) }
                var value = (word >> shift) & mask
                if d.isSigned, value & sign != 0 { value -= sign << 1 }
                values[index] = value
            }
        }
        return values
    }

    /// Greyscale values through the modality LUT (rescale), the window (the request's, the
    /// object's first, or the frame's own range), and inverted for MONOCHROME1.
    private func grey(_ values: [Int]) -> [UInt8] {
        let d = description
        let slope = d.rescaleSlope, intercept = d.rescaleIntercept
        let chosen: VOIWindow
        if let window = window ?? d.window {
            chosen = window
        } else {
            let low = values.min() ?? 0, high = values.max() ?? 0
            let a = Double(low) * slope + intercept, b = Double(high) * slope + intercept
            chosen = .spanning(min(a, b), max(a, b))
        }
        let invert = d.photometricInterpretation == .monochrome1
        let map = { (value: Int) -> UInt8 in
            let y = chosen.output(Double(value) * slope + intercept).rounded()
            let level = UInt8(clamping: Int(y))
            return invert ? 255 - level : level
        }
        // Up to 16 bits stored, one table for every possible value beats a computation per pixel.
        if d.bitsStored <= 16 {
            let lowest = d.isSigned ? -(1 << (d.bitsStored - 1)) : 0
            let table = (0..<(1 << d.bitsStored)).map { map($0 + lowest) }
            return values.map { table[$0 - lowest] }
        }
        return values.map(map)
    }

    /// PS3.3 C.7.6.3.1.2 YBR_FULL to RGB, in place (the inverse of its RGB to YCbCr equations).
    static func convertYBRFullToRGB(_ pixels: inout [UInt8]) {
        for index in stride(from: 0, to: pixels.count, by: 3) {
            let y = Double(pixels[index]), cb = Double(pixels[index + 1]) - 128, cr = Double(pixels[index + 2]) - 128
            pixels[index] = UInt8(clamping: Int((y + 1.402 * cr).rounded()))
            pixels[index + 1] = UInt8(clamping: Int((y - 0.344136 * cb - 0.714136 * cr).rounded()))
            pixels[index + 2] = UInt8(clamping: Int((y + 1.772 * cb).rounded()))
        }
    }
}
