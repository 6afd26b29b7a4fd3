import Crypto
import Foundation

/// The re-identification lookup file's sealing: each `ReidentificationRecord` as JSON, sealed with
/// AES-256-GCM under a key that HKDF derives from the project key with its own label, written as
/// one base64 line. A line reveals nothing without the project key (not even which lines belong
/// to one patient: every seal has a fresh random nonce), and any change to it fails to open.
public struct ReidentificationLookup: Sendable {
    private let key: SymmetricKey

    public init(projectKey: ProjectKey) {
        key = projectKey.lookupKey
    }

    /// One line of the lookup file (without its newline).
    public func seal(_ record: ReidentificationRecord) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let box = try AES.GCM.seal(try encoder.encode(record), using: key)
        // Nonce, ciphertext and tag: the layout SealedBox(combined:) reads back.
        return (Data(box.nonce) + box.ciphertext + box.tag).base64EncodedString()
    }

    /// Every record of a lookup file's text, in order; empty lines are skipped.
    public func open(_ text: String, path: String) throws(ReidentificationError) -> [ReidentificationRecord] {
        var records: [ReidentificationRecord] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let number = index + 1
            guard let bytes = Data(base64Encoded: String(line).trimmingCharacters(in: .whitespaces)),
                let box = try? AES.GCM.SealedBox(combined: bytes)
            else { throw .malformedLine(path: path, line: number) }
            guard let json = try? AES.GCM.open(box, using: key) else {
                throw .cannotOpen(path: path, line: number)
            }
            guard let record = try? JSONDecoder().decode(ReidentificationRecord.self, from: json) else {
                throw .malformedLine(path: path, line: number)
            }
            records.append(record)
        }
        return records
    }
}
