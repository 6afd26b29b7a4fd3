/// A JSON parser (RFC 8259) over UTF-8 bytes that keeps number text as written and accepts the
/// NaN, Infinity and -Infinity tokens Python writes, and DS-style numbers ("1.", ".5"). Nesting is limited so that hostile input
/// cannot exhaust the stack.
struct JSONParser {
    struct Failure: Error {
        let offset: Int
        let reason: String
    }

    static let maximumDepth = 512

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.position = 3 }
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw Failure(offset: parser.position, reason: "unexpected \(parser.describeHere()) after the end of the document")
        }
        return value
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func parseValue() throws(Failure) -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw Failure(offset: position, reason: "unexpected end of input, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "N"): try expect("NaN"); return .number("NaN")
        case UInt8(ascii: "I"): try expect("Infinity"); return .number("Infinity")
        case UInt8(ascii: "-") where bytes[position...].starts(with: Array("-Infinity".utf8)):
            try expect("-Infinity")
            return .number("-Infinity")
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default: throw Failure(offset: position, reason: "unexpected \(describeHere()), expected a value")
        }
    }

    private mutating func parseObject() throws(Failure) -> JSONValue {
        try enter()
        position += 1
        var members: [JSONValue.Member] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw Failure(offset: position, reason: "unexpected \(describeHere()), expected a member name in quotes") }
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw Failure(offset: position, reason: "unexpected \(describeHere()), expected \":\" after member name \"\(key)\"") }
            position += 1
            members.append(JSONValue.Member(key: key, value: try parseValue()))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                return .object(members)
            default: throw Failure(offset: position, reason: "unexpected \(describeHere()), expected \",\" or \"}\"")
            }
        }
    }

    private mutating func parseArray() throws(Failure) -> JSONValue {
        try enter()
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                return .array(elements)
            default: throw Failure(offset: position, reason: "unexpected \(describeHere()), expected \",\" or \"]\"")
            }
        }
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw Failure(offset: position, reason: "nested more than \(Self.maximumDepth) deep")
        }
    }

    private mutating func parseString() throws(Failure) -> String {
        let start = position
        position += 1
        // Fast path: no escapes, so the bytes between the quotes are the string.
        var scan = position
        while scan < bytes.count {
            let byte = bytes[scan]
            if byte == UInt8(ascii: "\"") {
                let slice = bytes[position..<scan]
                guard let text = String(validating: slice, as: UTF8.self) else {
                    throw Failure(offset: position, reason: "string is not valid UTF-8")
                }
                position = scan + 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            scan += 1
        }
        var output: [UInt8] = Array(bytes[position..<scan])
        position = scan
        while true {
            guard position < bytes.count else { throw Failure(offset: start, reason: "string never ends") }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: output, as: UTF8.self) else {
                    throw Failure(offset: start, reason: "string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                guard position + 1 < bytes.count else { throw Failure(offset: start, reason: "string never ends") }
                let escape = bytes[position + 1]
                position += 2
                switch escape {
                case UInt8(ascii: "\""): output.append(0x22)
                case UInt8(ascii: "\\"): output.append(0x5C)
                case UInt8(ascii: "/"): output.append(0x2F)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard bytes[position...].starts(with: [0x5C, UInt8(ascii: "u")]) else {
                            throw Failure(offset: position, reason: "unpaired surrogate \\u\(String(scalar, radix: 16))")
                        }
                        position += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else {
                            throw Failure(offset: position - 6, reason: "unpaired surrogate \\u\(String(scalar, radix: 16))")
                        }
                        scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else {
                        throw Failure(offset: position - 6, reason: "unpaired surrogate \\u\(String(scalar, radix: 16))")
                    }
                    output.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw Failure(offset: position - 2, reason: "invalid escape \\\(String(UnicodeScalar(escape)))")
                }
            case ..<0x20:
                throw Failure(offset: position, reason: "control character 0x\(String(byte, radix: 16)) in a string must be escaped")
            default:
                output.append(byte)
                position += 1
            }
        }
    }

    private mutating func parseHex4() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw Failure(offset: position, reason: "\\u escape needs four hex digits") }
        var value: UInt32 = 0
        for byte in bytes[position..<(position + 4)] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: throw Failure(offset: position, reason: "\\u escape needs four hex digits")
            }
            value = value << 4 | digit
        }
        position += 4
        return value
    }

    /// A number as JSON writes it, and also as some DICOM writers do, DCMTK among them, copying DS
    /// text: "1.", ".5", "+5", "007" (pydicom and DCMTK read these back as DS; strict parsers fail).
    private mutating func parseNumber() throws(Failure) -> String {
        let start = position
        if peek() == UInt8(ascii: "-") || peek() == UInt8(ascii: "+") { position += 1 }
        let integerStart = position
        skipDigits()
        var digits = position - integerStart
        if peek() == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            skipDigits()
            digits += position - fractionStart
        }
        guard digits > 0 else { throw Failure(offset: start, reason: "number has no digits") }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            let exponentStart = position
            skipDigits()
            guard position > exponentStart else { throw Failure(offset: start, reason: "number has no digits in its exponent") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func skipDigits() {
        while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
    }

    private mutating func expect(_ word: String) throws(Failure) {
        let utf8 = Array(word.utf8)
        guard bytes[position...].starts(with: utf8) else {
            throw Failure(offset: position, reason: "unexpected \(describeHere()), expected a value")
        }
        position += utf8.count
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private func describeHere() -> String {
        guard position < bytes.count else { return "end of input" }
        let byte = bytes[position]
        return (0x21..<0x7F).contains(byte) ? "\"\(String(UnicodeScalar(byte)))\"" : "byte 0x\(String(byte, radix: 16))"
    }
}
