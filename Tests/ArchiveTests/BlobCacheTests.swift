#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
@testable import Archive

/// The local cache of objects read from the object store: bounded by size, least recently used
/// first, and never pulling a file from under a reader.
@Suite struct BlobCacheTests {
    static func admit(_ cache: BlobCache, key: String, bytes: Int, used: Date) throws -> Int32? {
        let temporary = cache.temporaryPath(for: key)
        try Data(repeating: 1, count: bytes).write(to: URL(fileURLWithPath: temporary))
        let fd = cache.admit(temporary, key: key)
        try FileManager.default.setAttributes([.modificationDate: used], ofItemAtPath: cache.path(of: key))
        return fd
    }

    @Test func theLeastRecentlyUsedGoFirstAndAnOpenCopyStaysReadable() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blob-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = try BlobCache(folder: folder, capacity: 250)
        let now = Date()
        let oldest = try #require(try Self.admit(cache, key: "1.2/1.2.3/1.2.3.4.dcm.aa", bytes: 100, used: now.addingTimeInterval(-300)))
        defer { close(oldest) }
        close(try #require(try Self.admit(cache, key: "1.2/1.2.3/1.2.3.5.dcm.bb", bytes: 100, used: now.addingTimeInterval(-200))))
        close(try #require(try Self.admit(cache, key: "1.2/1.2.3/1.2.3.6.dcm.cc", bytes: 100, used: now.addingTimeInterval(-100))))

        #expect(cache.openCopy(of: "1.2/1.2.3/1.2.3.4.dcm.aa") == nil, "past the capacity, the oldest went")
        for key in ["1.2/1.2.3/1.2.3.5.dcm.bb", "1.2/1.2.3/1.2.3.6.dcm.cc"] {
            let fd = try #require(cache.openCopy(of: key))
            close(fd)
        }
        // Its reader still has all of it.
        var buffer = [UInt8](repeating: 0, count: 200)
        #expect(buffer.withUnsafeMutableBytes { pread(oldest, $0.baseAddress!, 200, 0) } == 100)
    }

    @Test func interruptedTransfersAreRemovedAtOpen() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blob-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = try BlobCache(folder: folder, capacity: 1 << 20)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: cache.temporaryPath(for: "1.2/1.2.3/1.2.3.4.dcm.aa")))
        #expect(cache.removeTemporaryFiles().count == 1)
        #expect(cache.removeTemporaryFiles().isEmpty)
    }
}
