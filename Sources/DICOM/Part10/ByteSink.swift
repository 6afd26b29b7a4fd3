#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where encoded bytes go: memory, a file, a deflating stream.
public protocol ByteSink {
    mutating func write(_ bytes: [UInt8]) throws
}

/// Collects encoded bytes in memory.
public struct ByteArraySink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public mutating func write(_ bytes: [UInt8]) throws { self.bytes.append(contentsOf: bytes) }
}

/// Buffered writes to a file descriptor; `sync()` makes what was written durable.
public final class FileSink: ByteSink {
    private let fd: Int32
    private let path: String
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private static let bufferSize = 1 << 18

    /// Creates (or truncates) a file with mode 0600: archive files hold patient data.
    public init(creating path: String, exclusive: Bool = false) throws {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        let fd = open(path, flags, 0o600)
        guard fd >= 0 else { throw DICOMFileError.cannotWrite(path: path, errno: errno) }
        self.fd = fd
        self.path = path
        ownsDescriptor = true
        buffer.reserveCapacity(Self.bufferSize)
    }

    /// Writes to a descriptor someone else owns, such as standard output.
    public init(descriptor: Int32, name: String) {
        fd = descriptor
        path = name
        ownsDescriptor = false
    }

    /// Creates the file at `path` and lets `body` write it. With `durable`, it goes to a temporary
    /// name in the same folder, is fsynced, renamed into place and the folder fsynced: readers never
    /// see half a file, and once this returns the file survives a crash. If `body` throws, the
    /// temporary file is removed (without `durable`, what was written stays).
    public static func write(toPath path: String, durable: Bool = false, _ body: (FileSink) throws -> Void) throws {
        let target = durable ? path + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))" : path
        do {
            let sink = try FileSink(creating: target, exclusive: durable)
            try body(sink)
            if durable { try sink.sync() } else { try sink.flush() }
        } catch {
            if durable { unlink(target) }
            throw error
        }
        guard durable else { return }
        guard rename(target, path) == 0 else {
            let code = errno
            unlink(target)
            throw DICOMFileError.cannotWrite(path: path, errno: code)
        }
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let dirfd = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY)
        if dirfd >= 0 {
            defer { close(dirfd) }
            guard fsync(dirfd) == 0 else { throw DICOMFileError.cannotWrite(path: folder, errno: errno) }
        }
    }

    deinit {
        try? flush()
        if ownsDescriptor { close(fd) }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write(contentsOf: $0) }
    }

    /// Writes bytes held elsewhere (a network buffer, say) without first copying them into an array.
    public func write(contentsOf bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > Self.bufferSize { try flush() }
        if bytes.count >= Self.bufferSize {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        // Emptied whether or not the write succeeds, as a failed write leaves the file unusable.
        defer { buffer.removeAll(keepingCapacity: true) }
        try buffer.withUnsafeBytes { try writeAll($0) }
    }

    /// Flushes and fsyncs: after this returns, the bytes survive a crash.
    public func sync() throws {
        try flush()
        guard fsync(fd) == 0 else { throw DICOMFileError.cannotWrite(path: path, errno: errno) }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw DICOMFileError.cannotWrite(path: path, errno: errno)
            }
            done += n
        }
    }
}

/// Deflates everything written through it into another sink (PS3.5 A.5); call `finish()` at the end.
final class DeflatingSink<Inner: ByteSink>: ByteSink {
    private(set) var inner: Inner
    private let deflater: Deflater
    private var written = 0

    init(_ inner: Inner) throws {
        self.inner = inner
        deflater = try Deflater()
    }

    func write(_ bytes: [UInt8]) throws {
        try deflater.compress(bytes, finish: false) { try forward($0) }
    }

    /// Ends the deflated stream and pads it to even length with one NUL (PS3.5 A.5: DCMTK
    /// refuses an odd P-DATA fragment).
    func finish() throws {
        try deflater.compress([], finish: true) { try forward($0) }
        if written % 2 == 1 { try forward([0]) }
    }

    private func forward(_ bytes: [UInt8]) throws {
        try inner.write(bytes)
        written += bytes.count
    }
}
