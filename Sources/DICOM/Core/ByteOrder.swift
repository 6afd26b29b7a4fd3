/// Byte order helpers: values are held little endian in memory whatever the file's order.
enum ByteOrder {
    static func swapInPlace(_ bytes: inout [UInt8], wordSize: Int) {
        guard wordSize > 1 else { return }
        var start = 0
        while start + wordSize <= bytes.count {
            var lo = start, hi = start + wordSize - 1
            while lo < hi {
                bytes.swapAt(lo, hi)
                lo += 1
                hi -= 1
            }
            start += wordSize
        }
    }
}

/// Reading little endian integers out of byte slices.
enum LittleEndian {
    static func uint16(_ bytes: ArraySlice<UInt8>, at offset: Int) -> UInt16 {
        let i = bytes.startIndex + offset
        return UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8
    }

    static func uint32(_ bytes: ArraySlice<UInt8>, at offset: Int) -> UInt32 {
        let i = bytes.startIndex + offset
        let low = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8
        let high = UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
        return low | high
    }

    static func uint32s(_ bytes: ArraySlice<UInt8>) -> [UInt32] {
        stride(from: 0, to: bytes.count - bytes.count % 4, by: 4).map { uint32(bytes, at: $0) }
    }

    static func append(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}
