#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line per event to a file descriptor, whole lines only, so concurrent associations never
/// interleave within a line.
public struct FileLog: Sendable {
    let descriptor: Int32

    public static let standardError = FileLog(descriptor: 2)

    public func write(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    }
}
