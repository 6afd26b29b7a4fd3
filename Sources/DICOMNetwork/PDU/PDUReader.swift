import NIOCore

/// A bounds-checked cursor over the bytes of one PDU or one item inside it. Every read checks
/// what remains first and throws a `PDUDecodingError` naming the offset; nothing traps.
struct PDUReader {
    let pdu: PDUType
    private var buffer: ByteBuffer
    /// Offset, from the PDU's first byte, of `buffer`'s reader index 0.
    private let base: Int

    init(pdu: PDUType, buffer: ByteBuffer, base: Int) {
        self.pdu = pdu
        self.buffer = buffer
        self.base = base - buffer.readerIndex
    }

    /// Offset of the next byte from the PDU's first byte.
    var offset: Int { base + buffer.readerIndex }
    var remaining: Int { buffer.readableBytes }
    var isAtEnd: Bool { buffer.readableBytes == 0 }

    private func require(_ count: Int, _ field: String) throws(PDUDecodingError) {
        guard count <= buffer.readableBytes else {
            throw .truncated(pdu, at: offset, reading: field, expected: count, available: buffer.readableBytes)
        }
    }

    mutating func readUInt8(_ field: String) throws(PDUDecodingError) -> UInt8 {
        try require(1, field)
        return buffer.readInteger(as: UInt8.self) ?? 0
    }

    mutating func readUInt16(_ field: String) throws(PDUDecodingError) -> UInt16 {
        try require(2, field)
        return buffer.readInteger(endianness: .big, as: UInt16.self) ?? 0
    }

    mutating func readUInt32(_ field: String) throws(PDUDecodingError) -> UInt32 {
        try require(4, field)
        return buffer.readInteger(endianness: .big, as: UInt32.self) ?? 0
    }

    mutating func skip(_ count: Int, _ field: String) throws(PDUDecodingError) {
        try require(count, field)
        buffer.moveReaderIndex(forwardBy: count)
    }

    mutating func readBytes(_ count: Int, _ field: String) throws(PDUDecodingError) -> [UInt8] {
        try require(count, field)
        return buffer.readBytes(length: count) ?? []
    }

    mutating func readSlice(_ count: Int, _ field: String) throws(PDUDecodingError) -> ByteBuffer {
        try require(count, field)
        return buffer.readSlice(length: count) ?? ByteBuffer()
    }

    /// Everything left, as bytes.
    mutating func readRest() -> [UInt8] {
        buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// Reads a string of `count` bytes: a UID or a name. Trailing NUL and space padding, which
    /// PS3.8 Annex F forbids in items but some peers send, is dropped.
    mutating func readString(_ count: Int, _ field: String) throws(PDUDecodingError) -> String {
        var bytes = try readBytes(count, field)[...]
        while let last = bytes.last, last == 0 || last == 0x20 { bytes = bytes.dropLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a 2-byte length then that many bytes as a string.
    mutating func readLengthPrefixedString(_ field: String) throws(PDUDecodingError) -> String {
        let length = try readUInt16("length of \(field)")
        return try readString(Int(length), field)
    }

    /// Reads a 2-byte length then that many bytes.
    mutating func readLengthPrefixedBytes(_ field: String) throws(PDUDecodingError) -> [UInt8] {
        let length = try readUInt16("length of \(field)")
        return try readBytes(Int(length), field)
    }

    /// Reads an item header (type, reserved byte, 2-byte length, PS3.8 9.3.2) and returns a
    /// reader over the item's value, after checking that the value fits in what remains.
    mutating func readItem() throws(PDUDecodingError) -> (type: UInt8, reserved: UInt8, offset: Int, value: PDUReader) {
        let start = offset
        let type = try readUInt8("item type")
        let reserved = try readUInt8("reserved byte of \(ItemType.describe(type))")
        let length = Int(try readUInt16("length of \(ItemType.describe(type))"))
        guard length <= remaining else {
            throw .itemOverrun(pdu, item: type, at: start, length: length, available: remaining)
        }
        let valueOffset = offset
        let slice = buffer.readSlice(length: length) ?? ByteBuffer()
        return (type, reserved, start, PDUReader(pdu: pdu, buffer: slice, base: valueOffset))
    }
}
