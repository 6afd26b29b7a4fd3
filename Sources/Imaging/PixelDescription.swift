import DICOM

/// What an object says about its pixel data (PS3.3 C.7.6.3 Image Pixel, C.11.1 Modality LUT,
/// C.11.2 VOI LUT), checked so that rendering can trust it.
public struct PixelDescription: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public let photometricInterpretation: PhotometricInterpretation
    /// Samples of a pixel side by side (false), or each sample's plane after the other (true).
    public let isPlanar: Bool
    public let bitsAllocated: Int
    public let bitsStored: Int
    public let highBit: Int
    public let isSigned: Bool
    public let numberOfFrames: Int
    public let rescaleSlope: Double
    public let rescaleIntercept: Double
    /// The first of the stored windows, if any.
    public let window: VOIWindow?
    /// Red, green and blue, for PALETTE COLOR.
    public let palette: [PaletteLUT]?

    /// The most pixels of one frame Rampart renders (the 8-bit raster of a 3-sample frame is
    /// three times as many bytes).
    public static let maximumPixels = 64 << 20

    public var samplesPerPixel: Int { photometricInterpretation.samplesPerPixel }

    /// Bytes of one frame of native pixel data.
    public var frameLength: Int { rows * columns * samplesPerPixel * bitsAllocated / 8 }

    public init(_ dataSet: DataSet) throws(PixelDescriptionError) {
        rows = try Self.required(dataSet, "Rows", ImagingTag.rows, 1...65535)
        columns = try Self.required(dataSet, "Columns", ImagingTag.columns, 1...65535)
        guard rows * columns <= Self.maximumPixels else { throw .tooLarge(rows: rows, columns: columns) }
        guard let text = dataSet.string(ImagingTag.photometricInterpretation) else {
            throw .missing(attribute: "Photometric Interpretation", tag: ImagingTag.photometricInterpretation)
        }
        guard let photometric = PhotometricInterpretation(rawValue: text) else { throw .unsupportedPhotometricInterpretation(text) }
        photometricInterpretation = photometric
        let samples = try Self.required(dataSet, "Samples per Pixel", ImagingTag.samplesPerPixel, 1...4)
        guard samples == photometric.samplesPerPixel else { throw .samplesPerPixelMismatch(photometric, samples: samples) }
        // Absent means interleaved, as most readers take it.
        if samples > 1 {
            isPlanar = try Self.optional(dataSet, "Planar Configuration", ImagingTag.planarConfiguration, 0...1) == 1
        } else {
            isPlanar = false
        }
        bitsAllocated = try Self.required(dataSet, "Bits Allocated", ImagingTag.bitsAllocated, 1...64)
        let supported = switch photometric {
        case .monochrome1, .monochrome2: [8, 16, 32]
        case .rgb: [8, 16]
        case .paletteColor: [8, 16]
        case .ybrFull: [8]
        }
        guard supported.contains(bitsAllocated) else { throw .unsupportedBitsAllocated(bitsAllocated, photometric) }
        bitsStored = try Self.required(dataSet, "Bits Stored", ImagingTag.bitsStored, 1...64)
        guard bitsStored <= bitsAllocated else { throw .bitsStoredExceedsAllocated(stored: bitsStored, allocated: bitsAllocated) }
        highBit = try Self.required(dataSet, "High Bit", ImagingTag.highBit, 0...63)
        guard highBit >= bitsStored - 1, highBit < bitsAllocated else {
            throw .highBitOutOfRange(highBit: highBit, stored: bitsStored, allocated: bitsAllocated)
        }
        isSigned = try Self.required(dataSet, "Pixel Representation", ImagingTag.pixelRepresentation, 0...1) == 1
        numberOfFrames = try Self.optional(dataSet, "Number of Frames", ImagingTag.numberOfFrames, 1...Int(Int32.max)) ?? 1
        rescaleSlope = try Self.decimal(dataSet, "Rescale Slope", ImagingTag.rescaleSlope) ?? 1
        rescaleIntercept = try Self.decimal(dataSet, "Rescale Intercept", ImagingTag.rescaleIntercept) ?? 0
        guard rescaleSlope != 0 else {
            throw .invalidValue(attribute: "Rescale Slope", tag: ImagingTag.rescaleSlope, value: "0", expected: "a non-zero number")
        }
        window = try Self.storedWindow(dataSet)
        palette = try photometric == .paletteColor ? Self.palette(dataSet, signed: isSigned) : nil
    }

    private static func storedWindow(_ dataSet: DataSet) throws(PixelDescriptionError) -> VOIWindow? {
        guard let center = try decimal(dataSet, "Window Center", ImagingTag.windowCenter),
              let width = try decimal(dataSet, "Window Width", ImagingTag.windowWidth) else { return nil }
        let function: VOILUTFunction
        if let text = dataSet.string(ImagingTag.voiLUTFunction), !text.isEmpty {
            guard let known = VOILUTFunction(rawValue: text) else {
                throw .invalidValue(attribute: "VOI LUT Function", tag: ImagingTag.voiLUTFunction, value: text,
                                    expected: "LINEAR, LINEAR_EXACT or SIGMOID")
            }
            function = known
        } else {
            function = .linear
        }
        return try VOIWindow(center: center, width: width, function: function)
    }

    private static func palette(_ dataSet: DataSet, signed: Bool) throws(PixelDescriptionError) -> [PaletteLUT] {
        var channels: [PaletteLUT] = []
        for (index, channel) in ["red", "green", "blue"].enumerated() {
            let descriptorTag = Tag(0x0028, 0x1101 + UInt16(index)), dataTag = Tag(0x0028, 0x1201 + UInt16(index))
            guard let descriptor = dataSet[descriptorTag] else {
                throw .missing(attribute: "the \(channel) Palette Color LUT Descriptor", tag: descriptorTag)
            }
            guard let data = dataSet[dataTag] else {
                throw .invalidPalette(channel: channel, problem: "its LUT Data \(dataTag) is missing (segmented palettes are not rendered)")
            }
            let bytes: [UInt8]
            do {
                bytes = try data.loadBytes()
            } catch {
                throw .invalidPalette(channel: channel, problem: "its LUT Data could not be read")
            }
            var values = descriptor.uint16s.map(Int.init)
            // The first value mapped is SS when the pixels are signed (PS3.3 C.7.6.3.1.5).
            if signed, values.count > 1, values[1] > 0x7FFF { values[1] -= 0x10000 }
            channels.append(try PaletteLUT(channel: channel, descriptor: values, data: bytes))
        }
        return channels
    }

    private static func required(_ dataSet: DataSet, _ name: String, _ tag: Tag, _ range: ClosedRange<Int>) throws(PixelDescriptionError) -> Int {
        guard let value = try optional(dataSet, name, tag, range) else { throw .missing(attribute: name, tag: tag) }
        return value
    }

    private static func optional(_ dataSet: DataSet, _ name: String, _ tag: Tag, _ range: ClosedRange<Int>) throws(PixelDescriptionError) -> Int? {
        guard let element = dataSet[tag], element.inlineBytes?.isEmpty == false else { return nil }
        guard let value = element.int, range.contains(value) else {
            throw .invalidValue(attribute: name, tag: tag, value: element.string ?? element.int.map(String.init) ?? "unreadable",
                                expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// The first value of a DS attribute.
    private static func decimal(_ dataSet: DataSet, _ name: String, _ tag: Tag) throws(PixelDescriptionError) -> Double? {
        guard let first = dataSet.strings(tag).first, !first.isEmpty else { return nil }
        guard let value = Double(first), value.isFinite else {
            throw .invalidValue(attribute: name, tag: tag, value: first, expected: "a decimal number")
        }
        return value
    }
}
