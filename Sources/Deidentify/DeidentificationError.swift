import DICOM

/// Why an object or a set of options could not be de-identified.
public enum DeidentificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Burned In Annotation (0028,0301) is YES: identifying text may be in the pixels.
    case burnedInAnnotation
    /// Both longitudinal options were chosen; they are alternatives (PS3.15 E.3.6).
    case conflictingDateOptions
    /// Burned In Annotation is YES, a mask names the modality, but the pixel data is compressed.
    case compressedBurnedInAnnotation(String)
    /// Burned In Annotation is YES, a mask names the modality, but the pixels cannot be addressed.
    case unmaskablePixelData(String)
    /// A masks file that is not a list of regions.
    case malformedMasks(String)
    case unknownOption(String)
    /// A key file that is not 64 hexadecimal digits.
    case malformedKey(path: String)

    public var description: String {
        switch self {
        case .burnedInAnnotation:
            "Burned In Annotation (0028,0301) is YES: the pixels may show identifying text. Refused; "
                + "give masks with a region for its modality (--masks), or clean the pixel data first and "
                + "pass the cleanPixelData option to say so"
        case .compressedBurnedInAnnotation(let transferSyntax):
            "Burned In Annotation (0028,0301) is YES and the pixel data is compressed (\(transferSyntax)): "
                + "masks blank native pixel data only. Refused; transcode it to Explicit VR Little Endian first"
        case .unmaskablePixelData(let reason):
            "Burned In Annotation (0028,0301) is YES but the masks cannot be applied: \(reason). Refused"
        case .malformedMasks(let reason):
            "the masks file is not usable: \(reason)"
        case .conflictingDateOptions:
            "retainLongitudinalFullDates and retainLongitudinalModifiedDates exclude each other: choose one"
        case .unknownOption(let name):
            "unknown de-identification option \"\(name)\"; the options are "
                + DeidentificationOption.allCases.map(\.rawValue).joined(separator: ", ")
        case .malformedKey(let path):
            "\(path) is not a project key (64 hexadecimal digits, 32 bytes); create one with --new-key"
        }
    }
}
