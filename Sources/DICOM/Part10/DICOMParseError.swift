/// What is wrong with a DICOM byte stream, and where. Offsets count from the first byte of the file
/// (for a deflated data set: of the inflated stream, which the message says).
public struct DICOMParseError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Problem: Sendable, Equatable {
        case notPart10(found: String)
        case truncated(reading: String, expected: Int, available: Int)
        case valuePastEnd(tag: Tag, length: UInt32, available: Int)
        case invalidVR(tag: Tag, bytes: [UInt8])
        case undefinedLengthNotAllowed(tag: Tag, vr: VR)
        case unexpectedTag(found: Tag, expected: String)
        case missingTransferSyntax
        case oddLength(tag: Tag, length: UInt32)
        case nestingTooDeep(limit: Int)
        case deflate(String)
    }

    public let offset: Int
    public let problem: Problem
    /// True when `offset` counts bytes of the inflated data set of a deflated file.
    public var inInflatedStream = false

    public init(offset: Int, _ problem: Problem) {
        self.offset = offset
        self.problem = problem
    }

    public var description: String {
        let place = inInflatedStream ? "byte \(offset) of the inflated data set" : "byte \(offset)"
        return "\(place): \(problemDescription)"
    }

    private var problemDescription: String {
        switch problem {
        case .notPart10(let found):
            "not a DICOM Part 10 file: expected \"DICM\" after the 128-byte preamble, found \(found)"
        case let .truncated(reading, expected, available):
            "file ends inside \(reading): \(expected) bytes needed, \(available) left"
        case let .valuePastEnd(tag, length, available):
            "\(tag) declares a value of \(length) bytes but only \(available) remain"
        case let .invalidVR(tag, bytes):
            "\(tag) has VR bytes \(bytes.map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: " ")), not a DICOM VR"
        case let .undefinedLengthNotAllowed(tag, vr):
            "\(tag) \(vr) has undefined length, which only SQ, UN and encapsulated pixel data may have"
        case let .unexpectedTag(found, expected):
            "found \(found) where \(expected) was expected"
        case .missingTransferSyntax:
            "the file meta information has no Transfer Syntax UID (0002,0010)"
        case let .oddLength(tag, length):
            "\(tag) has odd length \(length)"
        case let .nestingTooDeep(limit):
            "sequences nested deeper than \(limit) levels"
        case .deflate(let message):
            "deflated data set cannot be inflated: \(message)"
        }
    }
}
