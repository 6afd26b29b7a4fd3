import Crypto
import CryptoExtras
import Foundation

/// A password as stored: scrypt (RFC 7914) with a random salt, in the PHC string format
/// `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (unpadded base64), so the cost can rise later without
/// invalidating stored hashes. Never holds or prints the password itself.
public struct PasswordHash: Sendable, Hashable, Codable, CustomStringConvertible {
    /// scrypt's cost: N = 2^logN, block size r, parallelism p.
    public struct Cost: Sendable, Hashable {
        public var logN: Int
        public var blockSize: Int
        public var parallelism: Int

        public init(logN: Int, blockSize: Int, parallelism: Int) {
            self.logN = logN
            self.blockSize = blockSize
            self.parallelism = parallelism
        }

        /// OWASP's recommendation for scrypt: N = 2^17, r = 8, p = 1 (128 MiB, a few hundred
        /// milliseconds per guess on a server core).
        public static let recommended = Cost(logN: 17, blockSize: 8, parallelism: 1)

        /// Bounds a stored hash may ask for: a corrupted or hostile accounts file must not make a
        /// login allocate gigabytes.
        static let maximumLogN = 20
    }

    public let cost: Cost
    let salt: [UInt8]
    let hash: [UInt8]

    static let saltLength = 16
    static let hashLength = 32

    /// Hashes a new password with a fresh random salt.
    public static func make(password: String, cost: Cost = .recommended) throws(PasswordHashError) -> PasswordHash {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return PasswordHash(cost: cost, salt: salt, hash: try derive(password, salt: salt, cost: cost))
    }

    init(cost: Cost, salt: [UInt8], hash: [UInt8]) {
        self.cost = cost
        self.salt = salt
        self.hash = hash
    }

    /// True when `password` is the one this hash was made from. Compares in constant time.
    public func verifies(_ password: String) -> Bool {
        guard let candidate = try? Self.derive(password, salt: salt, cost: cost), candidate.count == hash.count else { return false }
        return zip(candidate, hash).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func derive(_ password: String, salt: [UInt8], cost: Cost) throws(PasswordHashError) -> [UInt8] {
        do {
            let key = try KDF.Scrypt.deriveKey(
                from: Array(password.utf8), salt: salt, outputByteCount: hashLength,
                rounds: 1 << cost.logN, blockSize: cost.blockSize, parallelism: cost.parallelism)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw .derivationFailed("\(error)")
        }
    }

    // MARK: PHC string

    public var description: String {
        "$scrypt$ln=\(cost.logN),r=\(cost.blockSize),p=\(cost.parallelism)$\(Self.base64(salt))$\(Self.base64(hash))"
    }

    public init(encoded: String) throws(PasswordHashError) {
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0].isEmpty, fields[1] == "scrypt" else {
            throw .malformed("not a $scrypt$ PHC string")
        }
        var parameters: [Substring: Int] = [:]
        for pair in fields[2].split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1]) else { throw .malformed("bad parameter \(pair)") }
            parameters[parts[0]] = value
        }
        guard let logN = parameters["ln"], let r = parameters["r"], let p = parameters["p"],
              (1...Cost.maximumLogN).contains(logN), (1...32).contains(r), (1...16).contains(p) else {
            throw .malformed("scrypt parameters missing or out of range (ln 1-\(Cost.maximumLogN), r 1-32, p 1-16)")
        }
        guard let salt = Self.unbase64(fields[3]), salt.count >= 4,
              let hash = Self.unbase64(fields[4]), hash.count >= 16 else {
            throw .malformed("salt or hash is not base64 of a sensible length")
        }
        self.init(cost: Cost(logN: logN, blockSize: r, parallelism: p), salt: salt, hash: hash)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(encoded: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    private static func unbase64<S: StringProtocol>(_ text: S) -> [UInt8]? {
        var padded = String(text)
        while padded.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded).map { Array($0) }
    }
}

public enum PasswordHashError: Error, Sendable, CustomStringConvertible {
    case malformed(String)
    case derivationFailed(String)

    public var description: String {
        switch self {
        case let .malformed(why): "stored password hash is malformed: \(why); reset the password with rampart user passwd NAME"
        case let .derivationFailed(why): "scrypt failed: \(why)"
        }
    }
}
