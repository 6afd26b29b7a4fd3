import Foundation

/// The options of the Basic Application Level Confidentiality Profile (PS3.15 E.3), each with its
/// code in CID 7050 (De-identification Method).
public enum DeidentificationOption: String, Sendable, Hashable, CaseIterable, Comparable {
    case cleanPixelData
    case cleanRecognizableVisualFeatures
    case cleanGraphics
    case cleanStructuredContent
    case cleanDescriptors
    case retainLongitudinalFullDates
    case retainLongitudinalModifiedDates
    case retainPatientCharacteristics
    case retainDeviceIdentity
    case retainUIDs
    case retainSafePrivate
    case retainInstitutionIdentity

    /// The DCM code value (PS3.16 CID 7050).
    public var codeValue: String {
        switch self {
        case .cleanPixelData: "113101"
        case .cleanRecognizableVisualFeatures: "113102"
        case .cleanGraphics: "113103"
        case .cleanStructuredContent: "113104"
        case .cleanDescriptors: "113105"
        case .retainLongitudinalFullDates: "113106"
        case .retainLongitudinalModifiedDates: "113107"
        case .retainPatientCharacteristics: "113108"
        case .retainDeviceIdentity: "113109"
        case .retainUIDs: "113110"
        case .retainSafePrivate: "113111"
        case .retainInstitutionIdentity: "113112"
        }
    }

    /// The code meaning (PS3.16 CID 7050).
    public var codeMeaning: String {
        switch self {
        case .cleanPixelData: "Clean Pixel Data Option"
        case .cleanRecognizableVisualFeatures: "Clean Recognizable Visual Features Option"
        case .cleanGraphics: "Clean Graphics Option"
        case .cleanStructuredContent: "Clean Structured Content Option"
        case .cleanDescriptors: "Clean Descriptors Option"
        case .retainLongitudinalFullDates: "Retain Longitudinal Temporal Information Full Dates Option"
        case .retainLongitudinalModifiedDates: "Retain Longitudinal Temporal Information Modified Dates Option"
        case .retainPatientCharacteristics: "Retain Patient Characteristics Option"
        case .retainDeviceIdentity: "Retain Device Identity Option"
        case .retainUIDs: "Retain UIDs Option"
        case .retainSafePrivate: "Retain Safe Private Option"
        case .retainInstitutionIdentity: "Retain Institution Identity Option"
        }
    }

    /// Table order: the order of CID 7050, so that the method code sequence is stable.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.codeValue < rhs.codeValue }

    /// Options from a comma-separated list of their names, as `rampart deidentify --options` takes them.
    public static func parseList(_ text: String) throws(DeidentificationError) -> Set<DeidentificationOption> {
        var options: Set<DeidentificationOption> = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let option = DeidentificationOption(rawValue: name) else {
                throw .unknownOption(name)
            }
            options.insert(option)
        }
        return options
    }
}

/// The options chosen for a run.
public typealias DeidentificationOptions = Set<DeidentificationOption>
