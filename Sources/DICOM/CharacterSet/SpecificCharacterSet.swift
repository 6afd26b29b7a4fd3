/// Placeholder until the character set work lands: decodes the default repertoire and UTF-8 only.
public struct SpecificCharacterSet: Sendable, Hashable {
    public let terms: [String]

    public static let `default` = SpecificCharacterSet(terms: [])

    public init(terms: [String]) { self.terms = terms }

    /// Decodes a whole value (all of its backslash-separated values at once).
    public func decode(_ bytes: ArraySlice<UInt8>, vr: VR) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    public func encode(_ text: String, vr: VR) -> [UInt8] { Array(text.utf8) }
}
