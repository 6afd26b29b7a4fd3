import Crypto
import DICOM
import Foundation

/// The secret of a de-identification project: HMAC-SHA256 under it maps UIDs, Patient IDs and
/// date offsets, so the same input always gives the same output in one project, and nobody
/// without the key can reverse or recompute the mapping. Each use has its own label in the HMAC
/// input, so a pseudonym never equals a UID's or a date shift's hash.
public struct ProjectKey: Sendable {
    private let key: SymmetricKey

    public static let byteCount = 32

    public init(bytes: [UInt8]) {
        key = SymmetricKey(data: bytes)
    }

    public static func generate() -> ProjectKey {
        ProjectKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// The key as a key file holds it: 64 lower-case hex digits.
    public var hex: String { key.withUnsafeBytes { Hex.lowercase(Array($0)) } }

    /// A key from a key file's text (64 hex digits, surrounding white space ignored).
    public init(hex text: String, path: String) throws(DeidentificationError) {
        let digits = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard digits.count == 2 * Self.byteCount else { throw .malformedKey(path: path) }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else {
                throw .malformedKey(path: path)
            }
            bytes.append(high << 4 | low)
        }
        self.init(bytes: bytes)
    }

    /// The new Patient ID: sixteen upper-case hex digits, which fit LO (and even SH and CS).
    public func pseudonym(ofPatientID id: String) -> String {
        Hex.lowercase(code("patient-id", id).prefix(8)).uppercased()
    }

    /// The new UID: 2.25 followed by the decimal value of 128 bits of the HMAC (PS3.5 B.2), at
    /// most 44 characters.
    public func uid(for original: String) -> String {
        "2.25." + Self.decimal(Array(code("uid", original).prefix(16)))
    }

    /// How many days this patient's dates move back: 1 to 3650 (about ten years), the same for
    /// every object of the patient.
    public func dayShift(forPatientID id: String) -> Int {
        let bytes = code("date-shift", id)
        let word = bytes.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return -(Int(word % 3650) + 1)
    }

    /// The key that seals the re-identification lookup file: HKDF-SHA256 of the project key with
    /// a label of its own, so that the lookup key is no HMAC key of any pseudonym.
    var lookupKey: SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, info: Data("rampart re-identification lookup".utf8), outputByteCount: 32)
    }

    private func code(_ label: String, _ value: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data((label + "\u{0}" + value).utf8), using: key))
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A big-endian unsigned integer in decimal, by repeated division of its 32-bit words by 10.
    static func decimal(_ bytes: [UInt8]) -> String {
        var words: [UInt32] = stride(from: 0, to: bytes.count, by: 4).map { start in
            bytes[start..<min(start + 4, bytes.count)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }
        var digits: [UInt8] = []
        while words.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for index in words.indices {
                let current = remainder << 32 | UInt64(words[index])
                words[index] = UInt32(current / 10)
                remainder = current % 10
            }
            digits.append(UInt8(ascii: "0") + UInt8(remainder))
        }
        return digits.isEmpty ? "0" : String(decoding: digits.reversed(), as: UTF8.self)
    }
}
