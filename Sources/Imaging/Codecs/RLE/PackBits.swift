/// The byte-oriented run-length scheme of RLE Lossless segments (PS3.5 G.3): a header byte n of
/// 0...127 copies the next n + 1 bytes, -127...-1 repeats the next byte 1 - n times, -128 does nothing.
enum PackBits {
    /// Decodes a segment to exactly `count` bytes. Bytes after the output is complete are padding
    /// (segments are even in length) and are ignored; a run that would pass the end, or input that
    /// ends before the output is complete, is malformed.
    static func decode(_ input: ArraySlice<UInt8>, count: Int, segment: Int) throws(CodecError) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(count)
        var index = input.startIndex
        while output.count < count, index < input.endIndex {
            let header = Int(Int8(bitPattern: input[index]))
            index += 1
            if header >= 0 {
                let length = header + 1
                guard index + length <= input.endIndex else {
                    throw malformed(segment, "a literal run of \(length) bytes passes the end of the segment")
                }
                guard output.count + length <= count else {
                    throw malformed(segment, "a literal run passes the \(count) bytes of the byte plane")
                }
                output += input[index..<(index + length)]
                index += length
            } else if header != -128 {
                let length = 1 - header
                guard index < input.endIndex else { throw malformed(segment, "a repeat run has no byte to repeat") }
                guard output.count + length <= count else {
                    throw malformed(segment, "a repeat run passes the \(count) bytes of the byte plane")
                }
                output += repeatElement(input[index], count: length)
                index += 1
            }
        }
        guard output.count == count else {
            throw malformed(segment, "it decodes to \(output.count) bytes, \(count) expected")
        }
        return output
    }

    /// Encodes `bytes` row by row, no run crossing a row boundary (PS3.5 G.3.1): a repeated byte
    /// of two or more becomes a repeat run, the rest literal runs of up to 128.
    static func encode(_ bytes: [UInt8], rowLength: Int) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(bytes.count + bytes.count / 64 + 2)
        var rowStart = 0
        while rowStart < bytes.count {
            let rowEnd = min(bytes.count, rowStart + rowLength)
            var index = rowStart
            while index < rowEnd {
                var run = 1
                while index + run < rowEnd, run < 128, bytes[index + run] == bytes[index] { run += 1 }
                if run >= 2 {
                    output.append(UInt8(bitPattern: Int8(1 - run)))
                    output.append(bytes[index])
                    index += run
                    continue
                }
                // A literal run ends where three equal bytes begin (worth a repeat run) or at 128.
                var end = index + 1
                while end < rowEnd, end - index < 128,
                      !(end + 2 < rowEnd && bytes[end] == bytes[end + 1] && bytes[end] == bytes[end + 2]) {
                    end += 1
                }
                output.append(UInt8(end - index - 1))
                output += bytes[index..<end]
                index = end
            }
            rowStart = rowEnd
        }
        return output
    }

    private static func malformed(_ segment: Int, _ reason: String) -> CodecError {
        .malformed(syntax: RLELossless.syntaxName, reason: "segment \(segment): \(reason)")
    }
}
