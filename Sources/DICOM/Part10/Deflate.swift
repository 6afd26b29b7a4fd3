import CZlib

/// Raw deflate (RFC 1951, no zlib header) as the Deflated Explicit VR Little Endian transfer
/// syntax uses it (PS3.5 A.5).
enum Deflate {
    /// How many times its compressed size a data set may inflate to, past `expansionFloor`.
    /// Real data sets deflate 2 to 20 times; zeros deflate about 1,000 times, which is what a
    /// decompression bomb is: a few hundred KiB that inflate to GiB, all held in memory.
    static let maximumExpansion = 200
    /// Below this an inflated data set is never refused for its expansion (a small, repetitive
    /// structured report may deflate well).
    static let expansionFloor = 16 << 20

    /// Inflates a whole stream, into at most `limit` bytes and at most `maximumExpansion` times
    /// the input past `expansionFloor`, so a small "zip bomb" cannot take all memory.
    static func inflate(_ input: [UInt8], limit: Int = 1 << 32) throws(DeflateError) -> [UInt8] {
        let bound = min(limit, max(expansionFloor, input.count.multipliedReportingOverflow(by: maximumExpansion).partialValue))
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DeflateError(message: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(input.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            while true {
                let result = chunk.withUnsafeMutableBufferPointer { outBuffer -> Int32 in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[0..<produced])
                if output.count > bound { return Z_BUF_ERROR }
                if result == Z_STREAM_END { return Z_OK }
                if result != Z_OK { return result }
                // Input exhausted without an end marker: some writers omit the final block.
                if stream.avail_in == 0 && produced == 0 { return Z_OK }
            }
        }
        if status == Z_BUF_ERROR, output.count > bound {
            throw DeflateError(message: "the deflated stream of \(input.count) bytes inflates to more than \(bound) bytes "
                + "(over \(maximumExpansion) times its size): refused as a decompression bomb; send it uncompressed")
        }
        guard status == Z_OK else {
            let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            throw DeflateError(message: reason)
        }
        return output
    }
}

struct DeflateError: Error {
    let message: String
}

/// Compresses a stream chunk by chunk, handing compressed bytes to a sink.
final class Deflater {
    private var stream = z_stream()
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)

    init(level: Int32 = Z_DEFAULT_COMPRESSION) throws(DeflateError) {
        guard deflateInit2_(&stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DeflateError(message: "zlib could not start")
        }
    }

    deinit { deflateEnd(&stream) }

    func compress(_ input: [UInt8], finish: Bool, into sink: ([UInt8]) throws -> Void) throws {
        var input = input
        try input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            while true {
                let result = chunk.withUnsafeMutableBufferPointer { outBuffer -> Int32 in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    return deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if produced > 0 { try sink(Array(chunk[0..<produced])) }
                if finish {
                    if result == Z_STREAM_END { return }
                    guard result == Z_OK || result == Z_BUF_ERROR else { throw DeflateError(message: "zlib status \(result)") }
                } else if stream.avail_in == 0 && stream.avail_out != 0 {
                    return
                }
            }
        }
    }
}
