import DICOM

/// Why an object or a set of options could not be de-identified.
public enum DeidentificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Burned In Annotation (0028,0301) is YES: identifying text may be in the pixels.
    case burnedInAnnotation
    /// Both longitudinal options were chosen; they are alternatives (PS3.15 E.3.6).
    case conflictingDateOptions
    case unknownOption(String)
    /// A key file that is not 64 hexadecimal digits.
    case malformedKey(path: String)

    public var description: String {
        switch self {
        case .burnedInAnnotation:
            "Burned In Annotation (0028,0301) is YES: the pixels may show identifying text. Refused; "
                + "clean the pixel data first and pass the cleanPixelData option to say so"
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
