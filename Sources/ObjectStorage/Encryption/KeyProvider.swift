import Crypto

/// Wraps and unwraps the data keys of sealed objects with a key-encryption key that never
/// leaves the provider: a key file (`KeyFileProvider`), or a KMS, whose provider would send the
/// data key to be wrapped and get it back unwrapped (so the async, throwing shape).
public protocol KeyProvider: Sendable {
    /// The key that wraps new data keys; its id is written in each sealed object's header.
    var currentKeyID: String { get }
    /// Wraps `dataKey` with the current key.
    func wrap(_ dataKey: SymmetricKey) async throws(EncryptionError) -> WrappedKey
    /// Unwraps a data key; throws `unknownKey` for a key id the provider does not hold.
    func unwrap(_ wrapped: WrappedKey) async throws(EncryptionError) -> SymmetricKey
}

/// A data key wrapped by a key-encryption key, and that key's id.
public struct WrappedKey: Sendable, Equatable {
    public let keyID: String
    public let bytes: [UInt8]

    public init(keyID: String, bytes: [UInt8]) {
        self.keyID = keyID
        self.bytes = bytes
    }
}
