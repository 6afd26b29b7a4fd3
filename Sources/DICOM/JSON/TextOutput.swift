/// Collects text in a buffer and hands it to a `ByteSink` in large writes, so that writers can
/// emit small tokens cheaply and still stream an output of any size.
struct TextOutput<Sink: ByteSink> {
    var sink: Sink
    private var buffer: [UInt8] = []
    private let limit: Int

    init(sink: Sink, bufferSize: Int = 1 << 16) {
        self.sink = sink
        limit = bufferSize
        buffer.reserveCapacity(bufferSize + 1024)
    }

    mutating func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= limit { try flush() }
    }

    mutating func write(_ text: Substring) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= limit { try flush() }
    }

    mutating func write(byte: UInt8) throws {
        buffer.append(byte)
        if buffer.count >= limit { try flush() }
    }

    mutating func write(bytes: [UInt8]) throws {
        if buffer.count + bytes.count >= limit {
            try flush()
            if bytes.count >= limit {
                try sink.write(bytes)
                return
            }
        }
        buffer.append(contentsOf: bytes)
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try sink.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
