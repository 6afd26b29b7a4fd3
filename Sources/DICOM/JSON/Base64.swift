/// Base64 (RFC 4648 section 4, standard alphabet, with padding) for InlineBinary values in DICOM
/// JSON (PS3.18 F.2.7) and the Native DICOM Model (PS3.19 A.1.5), working on byte arrays so that a
/// large value can be encoded a chunk at a time.
enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// 0-63 for alphabet bytes, 0xFE for whitespace (skipped), 0xFF for anything else.
    static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        for space in [0x20, 0x09, 0x0A, 0x0D] as [UInt8] { table[Int(space)] = 0xFE }
        return table
    }()

    static func encodedLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        _ = bytes.withUnsafeBufferPointer { append($0, final: true, to: &output) }
        return output
    }

    static func encodeToString(_ bytes: [UInt8]) -> String {
        String(decoding: encode(bytes), as: UTF8.self)
    }

    /// Appends the encoding of `input`: whole groups of three only unless `final`, in which case the
    /// last one or two bytes are encoded with padding. Returns how many input bytes were consumed.
    @discardableResult
    static func append(_ input: UnsafeBufferPointer<UInt8>, final: Bool, to output: inout [UInt8]) -> Int {
        let whole = input.count / 3 * 3
        let tail = final ? input.count - whole : 0
        let produced = whole / 3 * 4 + (tail > 0 ? 4 : 0)
        guard produced > 0 else { return 0 }
        let start = output.count
        output.append(contentsOf: [UInt8](repeating: 0, count: produced))  // Array to Array is a memcpy even in debug builds
        alphabet.withUnsafeBufferPointer { table in
            output.withUnsafeMutableBufferPointer { out in
                var o = start
                var i = 0
                while i < whole {
                    let b0 = Int(input[i]), b1 = Int(input[i + 1]), b2 = Int(input[i + 2])
                    out[o] = table[b0 >> 2]
                    out[o + 1] = table[(b0 & 0x03) << 4 | b1 >> 4]
                    out[o + 2] = table[(b1 & 0x0F) << 2 | b2 >> 6]
                    out[o + 3] = table[b2 & 0x3F]
                    i += 3
                    o += 4
                }
                if tail == 1 {
                    let b0 = Int(input[i])
                    out[o] = table[b0 >> 2]
                    out[o + 1] = table[(b0 & 0x03) << 4]
                    out[o + 2] = 0x3D
                    out[o + 3] = 0x3D
                } else if tail == 2 {
                    let b0 = Int(input[i]), b1 = Int(input[i + 1])
                    out[o] = table[b0 >> 2]
                    out[o + 1] = table[(b0 & 0x03) << 4 | b1 >> 4]
                    out[o + 2] = table[(b1 & 0x0F) << 2]
                    out[o + 3] = 0x3D
                }
            }
        }
        return whole + tail
    }

    /// Decodes base64 text, skipping whitespace (XML writers wrap lines). Returns nil for a byte
    /// outside the alphabet, misplaced padding, or a dangling sextet.
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        if let result = text.withContiguousStorageIfAvailable({ decode(buffer: $0) }) { return result }
        return Array(text).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    private static func decode(buffer text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: text.count / 4 * 3 + 3)
        var produced = 0
        var quantum: UInt32 = 0
        var sextets = 0
        var padding = 0
        let valid: Bool = decodeTable.withUnsafeBufferPointer { table in
            output.withUnsafeMutableBufferPointer { out in
                for byte in text {
                    let value = table[Int(byte)]
                    if value < 64 {
                        guard padding == 0 else { return false }
                        quantum = quantum << 6 | UInt32(value)
                        sextets += 1
                        if sextets == 4 {
                            out[produced] = UInt8(truncatingIfNeeded: quantum >> 16)
                            out[produced + 1] = UInt8(truncatingIfNeeded: quantum >> 8)
                            out[produced + 2] = UInt8(truncatingIfNeeded: quantum)
                            produced += 3
                            quantum = 0
                            sextets = 0
                        }
                    } else if value == 0xFE {
                        continue
                    } else if byte == 0x3D {
                        padding += 1
                    } else {
                        return false
                    }
                }
                switch sextets {
                case 0:
                    return padding == 0
                case 2:
                    guard padding == 0 || padding == 2 else { return false }
                    out[produced] = UInt8(truncatingIfNeeded: quantum >> 4)
                    produced += 1
                    return true
                case 3:
                    guard padding == 0 || padding == 1 else { return false }
                    out[produced] = UInt8(truncatingIfNeeded: quantum >> 10)
                    out[produced + 1] = UInt8(truncatingIfNeeded: quantum >> 2)
                    produced += 2
                    return true
                default:
                    return false
                }
            }
        }
        guard valid else { return nil }
        output.removeLast(output.count - produced)
        return output
    }

    static func decode(_ text: String) -> [UInt8]? {
        decode(text.utf8)
    }
}
