/// Writes XML elements in order, with newlines and indentation between elements when pretty
/// (never inside an element that holds text, where whitespace would be content).
struct XMLEmitter<Sink: ByteSink> {
    var output: TextOutput<Sink>
    let pretty: Bool
    private var depth = 0
    /// Whether the innermost open element has child elements, to place its end tag.
    private var hasChildren: [Bool] = []
    private var atStart = true

    init(sink: Sink, pretty: Bool) {
        output = TextOutput(sink: sink)
        self.pretty = pretty
    }

    mutating func raw(_ text: String) throws {
        atStart = false
        try output.write(text)
    }

    mutating func open(_ name: String, _ attributes: [(String, String)] = []) throws {
        try startTag(name, attributes, empty: false)
        depth += 1
        hasChildren.append(false)
    }

    mutating func close(_ name: String) throws {
        depth -= 1
        if hasChildren.removeLast() { try indent() }
        try output.write("</\(name)>")
    }

    mutating func empty(_ name: String, _ attributes: [(String, String)] = []) throws {
        try startTag(name, attributes, empty: true)
    }

    /// An element holding text (escaped here).
    mutating func leaf(_ name: String, _ attributes: [(String, String)] = [], text: String) throws {
        try startTag(name, attributes, empty: false)
        try output.write(XMLEscaping.text(text))
        try output.write("</\(name)>")
    }

    /// An element whose content the caller writes with `content(_:)`, which must need no escaping.
    mutating func openText(_ name: String, _ attributes: [(String, String)] = []) throws {
        try startTag(name, attributes, empty: false)
    }

    mutating func content(_ bytes: [UInt8]) throws {
        try output.write(bytes: bytes)
    }

    mutating func closeText(_ name: String) throws {
        try output.write("</\(name)>")
    }

    mutating func finish() throws -> Sink {
        if pretty { try output.write(byte: 0x0A) }
        try output.flush()
        return output.sink
    }

    private mutating func startTag(_ name: String, _ attributes: [(String, String)], empty: Bool) throws {
        if !hasChildren.isEmpty { hasChildren[hasChildren.count - 1] = true }
        try indent()
        try output.write("<")
        try output.write(name)
        for (key, value) in attributes {
            try output.write(" \(key)=\"")
            try output.write(XMLEscaping.attribute(value))
            try output.write("\"")
        }
        try output.write(empty ? "/>" : ">")
    }

    private mutating func indent() throws {
        guard pretty else { return }
        if atStart {
            atStart = false
            return
        }
        try output.write(byte: 0x0A)
        for _ in 0..<depth { try output.write("  ") }
    }
}
