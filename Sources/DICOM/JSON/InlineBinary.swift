/// Bulk values as InlineBinary base64, streamed a chunk at a time so that a value of gigabytes
/// never sits in memory whole, neither as bytes nor as text.
enum InlineBinary {
    /// A multiple of 3, so that chunks of a deferred value encode without carrying bytes over.
    static let chunkSize = 3 << 18

    static func stream(_ storage: ByteStorage, _ emit: ([UInt8]) throws -> Void) throws {
        var encoder = Base64StreamEncoder()
        try storage.forEachChunk(size: chunkSize) { try encoder.encode($0, emit) }
        try encoder.finish(emit)
    }

    /// Encapsulated pixel data as the items it is encoded in (PS3.5 A.4): the basic offset table
    /// item, then each fragment item, each an item tag, a 32-bit length and the bytes, without the
    /// sequence delimiter. This is the value pydicom reads and DICOMweb gives as bulk data.
    /// A fragment of odd length is padded with a zero byte, as when it is written to a file.
    static func stream(_ pixels: EncapsulatedPixelData, _ emit: ([UInt8]) throws -> Void) throws {
        var encoder = Base64StreamEncoder()
        for fragment in [pixels.basicOffsetTable] + pixels.fragments {
            let padded = fragment.count % 2
            try encoder.encode(itemHeader(length: fragment.count + padded), emit)
            try fragment.forEachChunk(size: chunkSize) { try encoder.encode($0, emit) }
            if padded == 1 { try encoder.encode([0], emit) }
        }
        try encoder.finish(emit)
    }

    static func itemHeader(length: Int) -> [UInt8] {
        let length = UInt32(truncatingIfNeeded: length)
        return [0xFE, 0xFF, 0x00, 0xE0,
                UInt8(truncatingIfNeeded: length), UInt8(truncatingIfNeeded: length >> 8),
                UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 24)]
    }

    /// Reads item-encoded pixel data back: nil unless the bytes are exactly a sequence of items
    /// (optionally ending with a sequence delimiter), so that native pixel data whose first bytes
    /// happen to look like an item tag stays native.
    static func encapsulated(from bytes: [UInt8]) -> EncapsulatedPixelData? {
        var items: [ByteStorage] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 8 else { return nil }
            let group = UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
            let element = UInt16(bytes[offset + 2]) | UInt16(bytes[offset + 3]) << 8
            var length = 0
            for shift in 0..<4 { length |= Int(bytes[offset + 4 + shift]) << (8 * shift) }
            if group == 0xFFFE, element == 0xE0DD, length == 0, offset + 8 == bytes.count, !items.isEmpty {
                break
            }
            guard group == 0xFFFE, element == 0xE000, length <= bytes.count - offset - 8 else { return nil }
            items.append(.inline(Array(bytes[(offset + 8)..<(offset + 8 + length)])))
            offset += 8 + length
        }
        guard let first = items.first else { return nil }
        return EncapsulatedPixelData(basicOffsetTable: first, fragments: Array(items.dropFirst()))
    }
}
