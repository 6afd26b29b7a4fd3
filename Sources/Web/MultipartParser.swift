#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NIOCore

/// Reads a multipart body (RFC 2046 5.1, the framing of multipart/related, RFC 2387) as its
/// buffers arrive, so that a part of any size passes through without being held: each call
/// hands back the part starts, body bytes and part ends that the buffers so far settle.
///
/// A value type that returns events; the caller owns the I/O. The body may begin with the first
/// boundary line or with a preamble, and end with an epilogue, both ignored. Every byte of a
/// part's body comes out as a slice of the buffers fed, except the few at the end of a buffer
/// that could start a delimiter, which wait for the next buffer.
struct MultipartParser {
    enum Event: Equatable {
        /// A part begins, with its headers (names lowercased, values trimmed).
        case partBegan([String: String])
        case body(ByteBuffer)
        case partEnded
    }

    private enum State {
        /// Before the first boundary line.
        case preamble
        /// After "--boundary": "--" ends the body, else transport padding and CRLF.
        case afterDelimiter
        case headers
        case body
        /// After the close delimiter.
        case epilogue
    }

    /// The longest header section of one part that is kept while looking for its end.
    static let maximumHeaderBytes = 16 * 1024

    private var state = State.preamble
    private var pending: ByteBuffer
    /// CRLF "--" boundary: what ends a part's body (RFC 2046: the CRLF belongs to the delimiter).
    private let delimiter: [UInt8]

    init(boundary: String) throws(MultipartError) {
        guard !boundary.isEmpty, boundary.utf8.count <= 70, !boundary.hasSuffix(" "),
              boundary.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { throw .invalidBoundary(boundary) }
        delimiter = Array("\r\n--\(boundary)".utf8)
        // The first boundary line may start the body: a CRLF before it makes it a delimiter too.
        pending = ByteBuffer(bytes: [0x0D, 0x0A])
    }

    /// Whether the close delimiter has been read.
    var isComplete: Bool {
        if case .epilogue = state { return true }
        return false
    }

    mutating func feed(_ buffer: ByteBuffer) throws(MultipartError) -> [Event] {
        if case .epilogue = state { return [] }
        pending.discardReadBytes()
        pending.writeImmutableBuffer(buffer)
        return try parse()
    }

    /// The body ended: an error unless the close delimiter was read.
    func finish() throws(MultipartError) {
        switch state {
        case .epilogue: return
        case .preamble: throw .noParts
        case .afterDelimiter, .headers, .body: throw .missingCloseDelimiter
        }
    }

    private mutating func parse() throws(MultipartError) -> [Event] {
        var events: [Event] = []
        while true {
            switch state {
            case .preamble:
                guard let at = Self.find(delimiter, in: pending) else {
                    // Keep what could be the start of a delimiter; the rest is preamble.
                    pending.moveReaderIndex(forwardBy: max(0, pending.readableBytes - (delimiter.count - 1)))
                    return events
                }
                pending.moveReaderIndex(forwardBy: at + delimiter.count)
                state = .afterDelimiter
            case .afterDelimiter:
                guard pending.readableBytes >= 2 else { return events }
                if pending.getBytes(at: pending.readerIndex, length: 2) == [0x2D, 0x2D] {
                    pending.moveReaderIndex(to: pending.writerIndex)
                    state = .epilogue
                    return events
                }
                guard let lineEnd = Self.find(Self.crlf, in: pending) else {
                    if pending.readableBytes > 1024 { throw .malformedBoundaryLine }
                    return events
                }
                // Transport padding (RFC 2046: linear white space) may follow the boundary.
                let padding = pending.getBytes(at: pending.readerIndex, length: lineEnd) ?? []
                guard padding.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { throw .malformedBoundaryLine }
                pending.moveReaderIndex(forwardBy: lineEnd + 2)
                state = .headers
            case .headers:
                let headers: [String: String]
                if pending.readableBytes >= 2, pending.getBytes(at: pending.readerIndex, length: 2) == Self.crlf {
                    // No header lines: the part is text/plain by RFC 2046's default.
                    headers = [:]
                    pending.moveReaderIndex(forwardBy: 2)
                } else {
                    guard let end = Self.find(Self.crlf + Self.crlf, in: pending) else {
                        if pending.readableBytes > Self.maximumHeaderBytes { throw .headersTooLong(limit: Self.maximumHeaderBytes) }
                        return events
                    }
                    guard end <= Self.maximumHeaderBytes else { throw .headersTooLong(limit: Self.maximumHeaderBytes) }
                    headers = try Self.headers(pending.readString(length: end) ?? "")
                    pending.moveReaderIndex(forwardBy: 4)
                }
                events.append(.partBegan(headers))
                state = .body
            case .body:
                if let at = Self.find(delimiter, in: pending) {
                    if at > 0, let bytes = pending.readSlice(length: at) { events.append(.body(bytes)) }
                    pending.moveReaderIndex(forwardBy: delimiter.count)
                    events.append(.partEnded)
                    state = .afterDelimiter
                } else {
                    let settled = pending.readableBytes - (delimiter.count - 1)
                    if settled > 0, let bytes = pending.readSlice(length: settled) { events.append(.body(bytes)) }
                    return events
                }
            case .epilogue:
                pending.moveReaderIndex(to: pending.writerIndex)
                return events
            }
        }
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    /// Header lines "Name: value" (RFC 5322 folding is obsolete in MIME parts and not read).
    private static func headers(_ section: String) throws(MultipartError) -> [String: String] {
        var headers: [String: String] = [:]
        for line in section.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { throw .malformedHeader(String(line)) }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return headers
    }

    /// The offset of `needle` in the readable bytes of `buffer`: memchr for its first byte, then
    /// a comparison, so that bulk data is scanned at memory speed.
    static func find(_ needle: [UInt8], in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { haystack -> Int? in
            guard let base = haystack.baseAddress, haystack.count >= needle.count, let first = needle.first else { return nil }
            return needle.withUnsafeBytes { target -> Int? in
                guard let wanted = target.baseAddress else { return nil }
                let last = haystack.count - needle.count
                var start = 0
                while start <= last {
                    guard let hit = memchr(base + start, Int32(first), last - start + 1) else { return nil }
                    let offset = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(hit, wanted, needle.count) == 0 { return offset }
                    start = offset + 1
                }
                return nil
            }
        }
    }
}
