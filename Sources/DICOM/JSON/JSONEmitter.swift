/// Writes JSON tokens in order, placing commas, and newlines and indentation when pretty, so that
/// a document of any size can be written without building it first.
struct JSONEmitter<Sink: ByteSink> {
    var output: TextOutput<Sink>
    let pretty: Bool
    /// How many members or elements each open object or array has so far.
    private var counts: [Int] = []
    private var afterKey = false

    init(sink: Sink, pretty: Bool) {
        output = TextOutput(sink: sink)
        self.pretty = pretty
    }

    mutating func beginObject() throws {
        try beforeValue()
        try output.write(byte: UInt8(ascii: "{"))
        counts.append(0)
    }

    mutating func endObject() throws {
        try close(UInt8(ascii: "}"))
    }

    mutating func beginArray() throws {
        try beforeValue()
        try output.write(byte: UInt8(ascii: "["))
        counts.append(0)
    }

    mutating func endArray() throws {
        try close(UInt8(ascii: "]"))
    }

    mutating func key(_ name: String) throws {
        try beforeValue()
        try writeQuoted(name)
        try output.write(pretty ? ": " : ":")
        afterKey = true
    }

    mutating func string(_ value: String) throws {
        try beforeValue()
        try writeQuoted(value)
    }

    /// A number, true, false or null: text written as it is.
    mutating func literal(_ text: String) throws {
        try beforeValue()
        try output.write(text)
    }

    mutating func null() throws { try literal("null") }

    /// Opens a string whose content the caller writes with `raw(_:)` (base64, which needs no escaping).
    mutating func beginRawString() throws {
        try beforeValue()
        try output.write(byte: UInt8(ascii: "\""))
    }

    mutating func raw(_ bytes: [UInt8]) throws {
        try output.write(bytes: bytes)
    }

    mutating func endRawString() throws {
        try output.write(byte: UInt8(ascii: "\""))
    }

    mutating func finish() throws -> Sink {
        if pretty { try output.write(byte: UInt8(ascii: "\n")) }
        try output.flush()
        return output.sink
    }

    private mutating func beforeValue() throws {
        if afterKey {
            afterKey = false
            return
        }
        guard let last = counts.indices.last else { return }
        if counts[last] > 0 { try output.write(byte: UInt8(ascii: ",")) }
        counts[last] += 1
        if pretty { try newline(depth: counts.count) }
    }

    private mutating func close(_ bracket: UInt8) throws {
        let count = counts.removeLast()
        if pretty && count > 0 { try newline(depth: counts.count) }
        try output.write(byte: bracket)
    }

    private mutating func newline(depth: Int) throws {
        try output.write(byte: UInt8(ascii: "\n"))
        for _ in 0..<depth { try output.write("  ") }
    }

    /// A JSON string (RFC 8259 section 7): quote, backslash and control characters escaped.
    private mutating func writeQuoted(_ text: String) throws {
        try output.write(byte: UInt8(ascii: "\""))
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            try output.write(text)
        } else {
            var escaped: [UInt8] = []
            escaped.reserveCapacity(text.utf8.count + 8)
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): escaped.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): escaped.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: escaped.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: escaped.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: escaped.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: escaped.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: escaped.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case ..<0x20:
                    let digits = Array("0123456789abcdef".utf8)
                    escaped.append(contentsOf: Array("\\u00".utf8))
                    escaped.append(digits[Int(byte >> 4)])
                    escaped.append(digits[Int(byte & 0x0F)])
                default: escaped.append(byte)
                }
            }
            try output.write(bytes: escaped)
        }
        try output.write(byte: UInt8(ascii: "\""))
    }
}
