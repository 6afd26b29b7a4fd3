#if canImport(Glibc)
import Glibc
#endif
import Crypto
import DICOM
import Foundation

/// Why a backup or a restore stopped, said so that the operator knows what to do.
public struct BackupError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The file operations a backup and a restore share: copies that hash what they copy and reach
/// the disk before they count, folders only the owner may enter, and the `sha256sum` lists a
/// snapshot keeps (`sha256sum -c` checks them without Rampart).
enum BackupFiles {
    static let chunkSize = 1 << 20

    /// Copies `source` to the new file `destination` (mode 0600), flushed to disk; returns the
    /// SHA-256 of what was copied, or nil when `source` no longer exists.
    static func copy(_ source: String, to destination: String) throws(BackupError) -> String? {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        if input < 0 {
            if errno == ENOENT { return nil }
            throw BackupError("cannot read \(source): \(String(cString: strerror(errno)))")
        }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw BackupError("cannot create \(destination): \(String(cString: strerror(errno))); check the backup folder's space and permissions") }
        defer { close(output) }
        let hash = try hashChunks(of: input, path: source) { (chunk: UnsafeRawBufferPointer) throws(BackupError) in
            var written = 0
            while written < chunk.count {
                let result = write(output, chunk.baseAddress! + written, chunk.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw BackupError("cannot write \(destination): \(String(cString: strerror(errno))); check the backup folder's space")
                }
                written += result
            }
        }
        guard fsync(output) == 0 else { throw BackupError("cannot flush \(destination) to disk: \(String(cString: strerror(errno)))") }
        return hash
    }

    /// The SHA-256 of a file.
    static func hash(_ path: String) throws(BackupError) -> String {
        let input = open(path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw BackupError("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        return try hashChunks(of: input, path: path) { (_: UnsafeRawBufferPointer) throws(BackupError) in }
    }

    /// Reads `descriptor` to its end a chunk at a time, handing each chunk to `body` after
    /// hashing it; returns the SHA-256 of it all.
    private static func hashChunks(of descriptor: Int32, path: String,
                                   _ body: (UnsafeRawBufferPointer) throws(BackupError) -> Void) throws(BackupError) -> String {
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, chunkSize) }
            if count < 0 {
                if errno == EINTR { continue }
                throw BackupError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            // withUnsafeBytes rethrows untyped: the only error in it is body's.
            do {
                try buffer.withUnsafeBytes { all in
                    let chunk = UnsafeRawBufferPointer(rebasing: all[0..<count])
                    hasher.update(bufferPointer: chunk)
                    try body(chunk)
                }
            } catch let error as BackupError {
                throw error
            } catch {
                throw BackupError("cannot copy \(path): \(error)")
            }
        }
        return Hex.lowercase(hasher.finalize())
    }

    /// A folder and its parents, each readable by the owner only (a backup holds patient data).
    static func makeFolder(_ path: String) throws(BackupError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw BackupError("cannot create \(path): \(error)")
        }
    }

    /// Flushes a folder's entries (a rename into it, the files created in it) to disk.
    static func syncFolder(_ path: String) {
        let folder = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { return }
        fsync(folder)
        close(folder)
    }

    /// Writes a list in `sha256sum`'s format: "HASH  PATH" per line.
    static func writeList(_ hashes: [String: String], to path: String) throws(BackupError) {
        let text = hashes.keys.sorted().map { "\(hashes[$0]!)  \($0)\n" }.joined()
        try writeFile(Data(text.utf8), to: path)
    }

    static func readList(_ path: String) throws(BackupError) -> [String: String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw BackupError("cannot read \(path): \(error)")
        }
        var hashes: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let gap = line.range(of: "  ") else { throw BackupError("\(path) is not a sha256sum list: \(line.prefix(80))") }
            hashes[String(line[gap.upperBound...])] = String(line[..<gap.lowerBound])
        }
        return hashes
    }

    static func writeFile(_ data: Data, to path: String) throws(BackupError) {
        do {
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw BackupError("cannot write \(path): \(error)")
        }
        guard chmod(path, 0o600) == 0 else { throw BackupError("cannot restrict \(path) to its owner: \(String(cString: strerror(errno)))") }
        let file = open(path, O_RDONLY | O_CLOEXEC)
        if file >= 0 {
            fsync(file)
            close(file)
        }
    }

    /// Every regular file under `root`, as paths relative to it.
    static func files(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            if walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular { files.append(relative) }
        }
        return files.sorted()
    }
}
