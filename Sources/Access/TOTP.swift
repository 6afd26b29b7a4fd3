import Crypto
import Foundation

/// A time-based one-time password generator (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 30 s
/// steps, 6 digits, the parameters every authenticator app uses by default.
public struct TOTP: Sendable, Hashable {
    public let secret: [UInt8]
    public static let digits = 6
    public static let period: Int64 = 30
    /// Codes of the step before and after are accepted too: a phone's clock drifts, and a code
    /// typed at the end of its step arrives in the next.
    public static let window: Int64 = 1

    public init(secret: [UInt8]) {
        self.secret = secret
    }

    /// A new 160-bit secret (RFC 4226 R6 recommends 160 bits).
    public static func generate() -> TOTP {
        var generator = SystemRandomNumberGenerator()
        return TOTP(secret: (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    public static func step(at date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down)) / period
    }

    /// The code of one time step (RFC 4226 5.3: dynamic truncation).
    public func code(step: Int64) -> String {
        let counter = withUnsafeBytes(of: UInt64(bitPattern: step).bigEndian) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let value = binary % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: Self.digits - text.count) + text
    }

    public func code(at date: Date) -> String { code(step: Self.step(at: date)) }

    /// The step whose code `code` is, within the window around `date`, or nil.
    public func step(of code: String, at date: Date) -> Int64? {
        let now = Self.step(at: date)
        var found: Int64?
        // Every candidate is compared, whatever matches first, so timing tells nothing.
        for step in (now - Self.window)...(now + Self.window) where Self.equal(self.code(step: step), code) {
            found = step
        }
        return found
    }

    private static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The secret in base32 (RFC 4648, no padding), as authenticator apps take it.
    public var base32Secret: String { Base32.encode(secret) }

    public init?(base32Secret text: String) {
        guard let bytes = Base32.decode(text), bytes.count >= 10 else { return nil }
        secret = bytes
    }

    /// The otpauth:// URI an authenticator app reads (as a QR code or pasted).
    public func provisioningURI(account: String, issuer: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let label = "\(issuer):\(account)".addingPercentEncoding(withAllowedCharacters: allowed) ?? account
        let issuerText = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(base32Secret)&issuer=\(issuerText)&algorithm=SHA1&digits=\(Self.digits)&period=\(Self.period)"
    }
}

/// RFC 4648 base32, upper case, without padding.
enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for character in text.uppercased().utf8 where character != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return output
    }
}

/// The last one-time code step each user signed in with: a code is accepted once (RFC 6238
/// 5.2), so one seen over a shoulder or on the wire cannot be replayed within its window.
public actor OneTimeCodeLedger {
    private var lastStep: [String: Int64] = [:]

    public init() {}

    /// Records `step` for `name`; false when that step or a later one was used already.
    public func use(_ step: Int64, by name: String) -> Bool {
        if let last = lastStep[name], step <= last { return false }
        lastStep[name] = step
        return true
    }
}
