/// A small non-validating XML 1.0 parser, enough for the Native DICOM Model: elements,
/// attributes, character data, CDATA sections, character references and the five predefined
/// entities. Comments, processing instructions and the document type declaration are skipped;
/// entities it declares are not expanded (an undeclared reference is an error), so hostile input
/// cannot make it expand without bound. UTF-8 input, or ISO-8859-1 or US-ASCII when the XML
/// declaration says so. Nesting is limited.
struct XMLDocumentParser {
    struct Failure: Error {
        let line: Int
        let column: Int
        let reason: String
    }

    static let maximumDepth = 256

    private var bytes: [UInt8]
    private var position = 0
    private var depth = 0

    static func parse(_ input: [UInt8]) throws(Failure) -> XMLNode {
        var parser = XMLDocumentParser(bytes: input)
        try parser.decodeInput()
        try parser.skipMisc()
        guard parser.position < parser.bytes.count, parser.bytes[parser.position] == UInt8(ascii: "<") else {
            throw parser.failure("no root element")
        }
        let root = try parser.parseElement()
        try parser.skipMisc()
        guard parser.position == parser.bytes.count else { throw parser.failure("content after the root element") }
        return root
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    // MARK: Encoding and prolog

    /// Skips a UTF-8 byte order mark and converts ISO-8859-1 input to UTF-8; the XML declaration,
    /// if any, is left for `skipMisc`.
    private mutating func decodeInput() throws(Failure) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0x3C, 0x00]) {
            throw failure("UTF-16 is not supported; use UTF-8")
        }
        guard bytes.starts(with: Array("<?xml".utf8)), let end = find(Array("?>".utf8), from: 0) else { return }
        guard let keyword = find(Array("encoding".utf8), from: 0), keyword < end else { return }
        let rest = String(decoding: bytes[(keyword + 8)..<end], as: UTF8.self).drop(while: { $0 == " " || $0 == "=" })
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return }
        let name = rest.dropFirst().prefix(while: { $0 != quote }).uppercased()
        switch name {
        case "UTF-8", "UTF8", "US-ASCII", "ASCII":
            break
        case "ISO-8859-1", "ISO_8859-1", "LATIN1", "LATIN-1":
            var utf8: [UInt8] = []
            utf8.reserveCapacity(bytes.count)
            for byte in bytes {
                if byte < 0x80 {
                    utf8.append(byte)
                } else {
                    utf8.append(0xC0 | byte >> 6)
                    utf8.append(0x80 | byte & 0x3F)
                }
            }
            bytes = utf8
        default:
            throw failure("encoding \"\(name)\" is not supported; use UTF-8")
        }
    }

    /// Skips whitespace, comments, processing instructions (the XML declaration among them) and
    /// a document type declaration.
    private mutating func skipMisc() throws(Failure) {
        while true {
            skipWhitespace()
            if starts("<?") {
                guard let end = find(Array("?>".utf8), from: position) else { throw failure("processing instruction never ends") }
                position = end + 2
            } else if starts("<!--") {
                try skipComment()
            } else if starts("<!DOCTYPE") {
                try skipDoctype()
            } else {
                return
            }
        }
    }

    private mutating func skipComment() throws(Failure) {
        guard let end = find(Array("-->".utf8), from: position + 4) else { throw failure("comment never ends") }
        position = end + 3
    }

    private mutating func skipDoctype() throws(Failure) {
        var brackets = 0
        var quote: UInt8?
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if let open = quote {
                if byte == open { quote = nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = byte
            case UInt8(ascii: "["): brackets += 1
            case UInt8(ascii: "]"): brackets -= 1
            case UInt8(ascii: ">") where brackets <= 0: return
            default: break
            }
        }
        throw failure("document type declaration never ends")
    }

    // MARK: Elements

    private mutating func parseElement() throws(Failure) -> XMLNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw failure("elements nested more than \(Self.maximumDepth) deep") }
        position += 1  // "<"
        let qualifiedName = try parseName()
        var node = XMLNode(name: Self.localName(qualifiedName), attributes: [], children: [], text: "")
        while true {
            let hadSpace = skipWhitespace()
            guard position < bytes.count else { throw failure("start tag <\(qualifiedName)> never ends") }
            if starts("/>") {
                position += 2
                return node
            }
            if bytes[position] == UInt8(ascii: ">") {
                position += 1
                break
            }
            guard hadSpace else { throw failure("expected whitespace, \">\" or \"/>\" in <\(qualifiedName)>") }
            let name = try parseName()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else { throw failure("attribute \(name) has no value") }
            position += 1
            skipWhitespace()
            let value = try parseAttributeValue()
            guard !node.attributes.contains(where: { $0.name == name }) else { throw failure("attribute \(name) appears twice") }
            node.attributes.append((name, value))
        }
        var text: [UInt8] = []
        while true {
            guard position < bytes.count else { throw failure("element <\(qualifiedName)> never ends") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "<") {
                if starts("</") {
                    position += 2
                    let closing = try parseName()
                    guard closing == qualifiedName else { throw failure("</\(closing)> closes <\(qualifiedName)>") }
                    skipWhitespace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ">") else { throw failure("end tag </\(closing)> never ends") }
                    position += 1
                    guard let decoded = String(validating: text, as: UTF8.self) else { throw failure("text in <\(qualifiedName)> is not valid UTF-8") }
                    node.text = decoded
                    return node
                } else if starts("<!--") {
                    try skipComment()
                } else if starts("<![CDATA[") {
                    guard let end = find(Array("]]>".utf8), from: position + 9) else { throw failure("CDATA section never ends") }
                    appendNormalizingLineEnds(bytes[(position + 9)..<end], to: &text)
                    position = end + 3
                } else if starts("<?") {
                    guard let end = find(Array("?>".utf8), from: position) else { throw failure("processing instruction never ends") }
                    position = end + 2
                } else {
                    node.children.append(try parseElement())
                }
            } else if byte == UInt8(ascii: "&") {
                try parseReference(into: &text)
            } else {
                let start = position
                while position < bytes.count, bytes[position] != UInt8(ascii: "<"), bytes[position] != UInt8(ascii: "&") {
                    position += 1
                }
                appendNormalizingLineEnds(bytes[start..<position], to: &text)
            }
        }
    }

    private mutating func parseAttributeValue() throws(Failure) -> String {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
            throw failure("attribute value must be quoted")
        }
        let quote = bytes[position]
        position += 1
        var value: [UInt8] = []
        while true {
            guard position < bytes.count else { throw failure("attribute value never ends") }
            let byte = bytes[position]
            switch byte {
            case quote:
                position += 1
                guard let text = String(validating: value, as: UTF8.self) else { throw failure("attribute value is not valid UTF-8") }
                return text
            case UInt8(ascii: "<"):
                throw failure("\"<\" in an attribute value must be escaped")
            case UInt8(ascii: "&"):
                try parseReference(into: &value)
            case 0x09, 0x0A:
                value.append(0x20)
                position += 1
            case 0x0D:
                value.append(0x20)
                position += 1
                if position < bytes.count, bytes[position] == 0x0A { position += 1 }
            default:
                value.append(byte)
                position += 1
            }
        }
    }

    private mutating func parseReference(into output: inout [UInt8]) throws(Failure) {
        guard let end = bytes[position...].prefix(16).firstIndex(of: UInt8(ascii: ";")) else {
            throw failure("\"&\" must start a reference such as &amp;")
        }
        let name = String(decoding: bytes[(position + 1)..<end], as: UTF8.self)
        let scalar: Unicode.Scalar?
        switch name {
        case "amp": scalar = "&"
        case "lt": scalar = "<"
        case "gt": scalar = ">"
        case "quot": scalar = "\""
        case "apos": scalar = "'"
        default:
            if name.hasPrefix("#x") {
                scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
            } else if name.hasPrefix("#") {
                scalar = UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init)
            } else {
                throw failure("entity &\(name); is not one of XML's five and is not expanded")
            }
        }
        guard let scalar else { throw failure("character reference &\(name); is not a Unicode scalar") }
        output.append(contentsOf: Array(String(Character(scalar)).utf8))
        position = end + 1
    }

    private mutating func parseName() throws(Failure) -> String {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            let isNameByte = byte >= 0x80 || (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            guard isNameByte else { break }
            position += 1
        }
        guard position > start else { throw failure("expected a name") }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private static func localName(_ qualified: String) -> String {
        guard let colon = qualified.lastIndex(of: ":") else { return qualified }
        return String(qualified[qualified.index(after: colon)...])
    }

    // MARK: Helpers

    /// CR LF and lone CR become LF (XML 1.0 section 2.11).
    private func appendNormalizingLineEnds(_ slice: ArraySlice<UInt8>, to output: inout [UInt8]) {
        guard slice.contains(0x0D) else {
            output.append(contentsOf: slice)
            return
        }
        var previousCR = false
        for byte in slice {
            if byte == 0x0D {
                output.append(0x0A)
                previousCR = true
            } else {
                if !(byte == 0x0A && previousCR) { output.append(byte) }
                previousCR = false
            }
        }
    }

    @discardableResult
    private mutating func skipWhitespace() -> Bool {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { break }
            position += 1
        }
        return position > start
    }

    private func starts(_ text: String) -> Bool {
        bytes[position...].starts(with: text.utf8)
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, bytes.count >= needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == first && bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    private func failure(_ reason: String) -> Failure {
        var line = 1, lineStart = 0
        for index in 0..<min(position, bytes.count) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return Failure(line: line, column: position - lineStart + 1, reason: reason)
    }
}
