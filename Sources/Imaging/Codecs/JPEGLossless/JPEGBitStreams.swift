/// Reads the bits of an entropy-coded segment, most significant first, removing the 0x00 stuffed
/// after each 0xFF data byte (T.81 F.1.2.3) and stopping at the next marker.
struct JPEGBitReader {
    /// The segment ran out (a marker or the end of the stream) before the bits asked for, or
    /// only a reserved all-ones code was left.
    struct Exhausted: Error {
        var invalidCode = false
    }

    private let bytes: [UInt8]
    /// The next byte not yet taken into `buffer`.
    private(set) var position: Int
    private var buffer: UInt64 = 0
    private var bufferedBits = 0
    /// Set when `position` is at a marker: no more bits until `skipMarker`.
    private(set) var atMarker = false

    init(_ bytes: [UInt8], from position: Int) {
        self.bytes = bytes
        self.position = position
    }

    private mutating func fill() {
        while bufferedBits <= 56, !atMarker, position < bytes.count {
            let byte = bytes[position]
            if byte == 0xFF {
                guard position + 1 < bytes.count, bytes[position + 1] == 0 else {
                    atMarker = true
                    return
                }
                position += 2
            } else {
                position += 1
            }
            buffer = buffer << 8 | UInt64(byte)
            bufferedBits += 8
        }
    }

    mutating func bit() throws(Exhausted) -> Int {
        try bits(1)
    }

    /// The next `count` (1...16) bits as an unsigned number.
    mutating func bits(_ count: Int) throws(Exhausted) -> Int {
        if bufferedBits < count { fill() }
        guard bufferedBits >= count else { throw Exhausted() }
        bufferedBits -= count
        return Int(truncatingIfNeeded: buffer >> UInt64(bufferedBits)) & (1 << count - 1)
    }

    /// Whether only the padding of the last byte (at most 7 bits) is left before a marker.
    mutating func isAtEndOfSegment() -> Bool {
        fill()
        return atMarker && bufferedBits < 8
    }

    /// The marker byte following 0xFF (after any 0xFF fill bytes) at `position`, if one is there.
    private func marker() -> UInt8? {
        var index = position
        while index < bytes.count, bytes[index] == 0xFF { index += 1 }
        guard index > position, index < bytes.count else { return nil }
        return bytes[index]
    }

    /// Past restart marker RSTn, n being `number` modulo 8, when it follows the interval's last bits
    /// (T.81 B.2.1); false, reading nothing, when something else is there.
    mutating func skipRestartMarker(_ number: Int) -> Bool {
        guard isAtEndOfSegment(), marker() == JPEGMarker.firstRestart + UInt8(number % 8) else { return false }
        skipMarker()
        return true
    }

    /// Past the marker at `position`, dropping the padding bits before it: the next segment begins.
    private mutating func skipMarker() {
        while position < bytes.count, bytes[position] == 0xFF { position += 1 }
        position += 1
        buffer = 0
        bufferedBits = 0
        atMarker = false
    }
}

/// Writes an entropy-coded segment: bits most significant first, a 0x00 stuffed after each 0xFF,
/// and the last byte padded with 1-bits (T.81 F.1.2.3).
struct JPEGBitWriter {
    private(set) var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var bufferedBits = 0

    init(reservingCapacity capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// The low `count` (0...32) bits of `value`.
    mutating func write(_ value: Int, count: Int) {
        buffer = buffer << UInt64(count) | UInt64(truncatingIfNeeded: value) & (1 << UInt64(count) - 1)
        bufferedBits += count
        while bufferedBits >= 8 {
            bufferedBits -= 8
            let byte = UInt8(truncatingIfNeeded: buffer >> UInt64(bufferedBits))
            bytes.append(byte)
            if byte == 0xFF { bytes.append(0) }
        }
    }

    /// The last byte padded with 1-bits, then a marker (a restart marker RSTn between intervals).
    mutating func writeMarker(_ marker: UInt8) {
        padToByte()
        bytes += [0xFF, marker]
    }

    mutating func finish() -> [UInt8] {
        padToByte()
        return bytes
    }

    private mutating func padToByte() {
        if bufferedBits > 0 { write(0x7F, count: 8 - bufferedBits) }
    }
}
