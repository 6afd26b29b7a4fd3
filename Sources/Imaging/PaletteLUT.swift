/// One channel of a palette colour LUT (PS3.3 C.7.6.3.1.5 and C.7.9): its descriptor
/// (entries, first value mapped, bits per entry) and its data, reduced to 8-bit output.
public struct PaletteLUT: Sendable, Equatable {
    public let firstMapped: Int
    /// The entries as 8-bit intensities.
    public let entries: [UInt8]

    /// `descriptor` as the three values of (0028,1101-1103); `data` as the LUT Data bytes.
    init(channel: String, descriptor: [Int], data: [UInt8]) throws(PixelDescriptionError) {
        guard descriptor.count == 3, [8, 16].contains(descriptor[2]) else {
            throw .invalidPalette(channel: channel, problem: "its descriptor must be 3 values, the last 8 or 16, not \(descriptor)")
        }
        // 0 entries means 2^16 (PS3.3 C.7.6.3.1.5).
        let count = descriptor[0] == 0 ? 65536 : descriptor[0]
        let words = stride(from: 0, to: data.count - data.count % 2, by: 2).map { Int(data[$0]) | Int(data[$0 + 1]) << 8 }
        if descriptor[2] == 16 {
            guard words.count >= count else {
                throw .invalidPalette(channel: channel, problem: "its data holds \(words.count) entries, the descriptor says \(count)")
            }
            entries = words.prefix(count).map { UInt8($0 >> 8) }
        } else if data.count == count || data.count == count + 1 {
            // 8-bit entries packed one a byte (an odd count padded to even).
            entries = Array(data.prefix(count))
        } else {
            guard words.count >= count else {
                throw .invalidPalette(channel: channel, problem: "its data holds \(data.count) bytes for \(count) 8-bit entries")
            }
            entries = words.prefix(count).map { UInt8($0 & 0xFF) }
        }
        guard !entries.isEmpty else { throw .invalidPalette(channel: channel, problem: "it has no entries") }
        firstMapped = descriptor[1]
    }

    /// The entry for `value`: below the first mapped value the first entry, past the last the last.
    public func callAsFunction(_ value: Int) -> UInt8 {
        entries[min(max(value - firstMapped, 0), entries.count - 1)]
    }
}
