/// Encodes a value that arrives in chunks of any size, keeping the one or two bytes that do not
/// make a whole group until the next chunk, and passing encoded text on as it is made.
struct Base64StreamEncoder {
    private var carry: [UInt8] = []
    private var buffer: [UInt8] = []

    init() {}

    mutating func encode(_ chunk: [UInt8], _ emit: ([UInt8]) throws -> Void) throws {
        var input = chunk[...]
        buffer.removeAll(keepingCapacity: true)
        if !carry.isEmpty {
            while carry.count < 3, let first = input.first {
                carry.append(first)
                input = input.dropFirst()
            }
            guard carry.count == 3 else { return }
            carry.withUnsafeBufferPointer { _ = Base64.append($0, final: false, to: &buffer) }
            carry.removeAll(keepingCapacity: true)
        }
        let consumed = input.withUnsafeBufferPointer { Base64.append($0, final: false, to: &buffer) }
        carry.append(contentsOf: input.dropFirst(consumed))
        if !buffer.isEmpty { try emit(buffer) }
    }

    /// Encodes what is left, with padding.
    mutating func finish(_ emit: ([UInt8]) throws -> Void) throws {
        guard !carry.isEmpty else { return }
        buffer.removeAll(keepingCapacity: true)
        carry.withUnsafeBufferPointer { _ = Base64.append($0, final: true, to: &buffer) }
        carry.removeAll()
        try emit(buffer)
    }
}
