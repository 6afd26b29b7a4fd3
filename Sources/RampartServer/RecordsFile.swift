import Foundation
import Logs

/// A file of the data folder that holds records as one JSON array (accounts, service accounts, AEs),
/// mode 0600, always written whole: to a temporary name, then renamed (`DataFolder.writePrivately`).
public protocol RecordsFile: Sendable {
    associatedtype Directory: Sendable
    var path: String { get }
    func load() throws(ServerSetupError) -> Directory
    func save(_ directory: Directory) throws(ServerSetupError)
}

extension ReloadingFile {
    /// The records file as `serve` sees it: read again whenever it changes; `changed` is told
    /// of each change (nil: in force; else why the previous version stays).
    public convenience init<File: RecordsFile>(_ file: File, log: Log,
                                               changed: @escaping @Sendable (ServerSetupError?) -> Void = { _ in }) throws(ServerSetupError)
    where File.Directory == Value {
        try self.init(path: file.path, log: log, changed: changed) { () throws(ServerSetupError) in try file.load() }
    }
}

/// The JSON reading and writing behind a `RecordsFile`; `what` names the file in errors, and
/// `remedy` says what to do about one that cannot be read.
struct JSONRecords<Record: Codable> {
    let path: String
    let what: String
    var remedy = "restore it from a backup"

    /// The records, or none when there is no file yet.
    func load() throws(ServerSetupError) -> [Record] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        do {
            return try JSONDecoder().decode([Record].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ServerSetupError("\(path) is not a valid \(what) (\(error)); \(remedy)")
        }
    }

    func save(_ records: [Record]) throws(ServerSetupError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(records)
        } catch {
            throw ServerSetupError("cannot encode the \(what): \(error)")
        }
        try DataFolder.writePrivately(data, to: path)
    }
}
