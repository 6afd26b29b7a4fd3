import DICOM

/// Why an object's pixel data cannot be rendered as it describes itself: each case names the
/// attribute at fault, never a patient's data.
public enum PixelDescriptionError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(attribute: String, tag: Tag)
    case invalidValue(attribute: String, tag: Tag, value: String, expected: String)
    case bitsStoredExceedsAllocated(stored: Int, allocated: Int)
    case highBitOutOfRange(highBit: Int, stored: Int, allocated: Int)
    case unsupportedPhotometricInterpretation(String)
    case samplesPerPixelMismatch(PhotometricInterpretation, samples: Int)
    case unsupportedBitsAllocated(Int, PhotometricInterpretation)
    case invalidPalette(channel: String, problem: String)
    case invalidWindow(center: Double, width: Double, function: VOILUTFunction)
    case tooLarge(rows: Int, columns: Int)

    public var description: String {
        switch self {
        case let .missing(attribute, tag):
            "\(attribute) \(tag) is missing: the object does not describe its pixel data"
        case let .invalidValue(attribute, tag, value, expected):
            "\(attribute) \(tag) is \(value); it must be \(expected)"
        case let .bitsStoredExceedsAllocated(stored, allocated):
            "Bits Stored \(stored) exceeds Bits Allocated \(allocated)"
        case let .highBitOutOfRange(highBit, stored, allocated):
            "High Bit \(highBit) does not fit Bits Stored \(stored) within Bits Allocated \(allocated): it must be from \(stored - 1) to \(allocated - 1)"
        case let .unsupportedPhotometricInterpretation(value):
            "Photometric Interpretation \(value) is not rendered: Rampart renders native MONOCHROME1, MONOCHROME2, RGB, PALETTE COLOR and YBR_FULL"
        case let .samplesPerPixelMismatch(photometric, samples):
            "Samples per Pixel is \(samples), but \(photometric.rawValue) has \(photometric.samplesPerPixel)"
        case let .unsupportedBitsAllocated(bits, photometric):
            "Bits Allocated \(bits) is not rendered for \(photometric.rawValue): Rampart renders \(photometric.isMonochrome ? "8, 16 and 32" : photometric == .rgb ? "8 and 16" : "8") bits"
        case let .invalidPalette(channel, problem):
            "the \(channel) palette colour LUT cannot be used: \(problem)"
        case let .invalidWindow(center, width, function):
            "window center \(center) width \(width) is not valid for \(function.rawValue): the width must be \(function == .linear ? "at least 1" : "above 0")"
        case let .tooLarge(rows, columns):
            "a frame of \(rows) rows and \(columns) columns is more than Rampart renders (\(PixelDescription.maximumPixels) pixels)"
        }
    }
}
