#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One iconv conversion descriptor.
///
/// An `iconv_t` carries shift state and must not be used from two threads at once, so a converter is
/// opened by the call that needs it, used only there, and closed when that call drops it. It is
/// deliberately not `Sendable`.
final class IconvConverter {
    private let descriptor: iconv_t

    /// Opens a conversion from `source` to `target` (glibc names: "ISO-8859-5", "EUC-KR", "UTF-8" …);
    /// nil when the C library has no such converter (e.g. gconv modules missing).
    init?(from source: String, to target: String) {
        guard let descriptor = iconv_open(target, source), Int(bitPattern: descriptor) != -1 else { return nil }
        self.descriptor = descriptor
    }

    deinit { iconv_close(descriptor) }

    /// Converts `input` in one pass. Where the input has a byte sequence the source charset does not
    /// define, `replacement` is written in its place, `skip` input bytes are dropped (given the first
    /// byte of the bad sequence), and conversion carries on. A truncated sequence at the end is
    /// replaced once. Returns the output and the number of replacements.
    func convert(
        _ input: some Collection<UInt8>,
        replacement: [UInt8],
        skip: (UInt8) -> Int = { _ in 1 }
    ) -> (output: [UInt8], replacements: Int) {
        var source = Array(input)
        guard !source.isEmpty else { return ([], 0) }
        var output: [UInt8] = []
        output.reserveCapacity(source.count * 2)
        var replacements = 0
        var chunk = [UInt8](repeating: 0, count: max(256, source.count * 4))

        _ = iconv(descriptor, nil, nil, nil, nil)  // initial shift state
        source.withUnsafeMutableBufferPointer { sourceBuffer in
            chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                let sourceBase = UnsafeMutableRawPointer(sourceBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                let chunkBase = UnsafeMutableRawPointer(chunkBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inPointer: UnsafeMutablePointer<CChar>? = sourceBase
                var inLeft = sourceBuffer.count
                while inLeft > 0 {
                    var outPointer: UnsafeMutablePointer<CChar>? = chunkBase
                    var outLeft = chunkBuffer.count
                    let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                    let failure = result == -1 ? errno : 0
                    output.append(contentsOf: chunkBuffer[0..<(chunkBuffer.count - outLeft)])
                    guard result == -1 else { break }
                    switch failure {
                    case E2BIG:
                        continue
                    case EINVAL:
                        // An incomplete sequence at the end of the input.
                        output.append(contentsOf: replacement)
                        replacements += 1
                        inLeft = 0
                    default:
                        // EILSEQ (or anything unexpected): replace and step over the bad sequence.
                        output.append(contentsOf: replacement)
                        replacements += 1
                        let step = max(1, min(inLeft, skip(UInt8(bitPattern: inPointer!.pointee))))
                        inPointer = inPointer! + step
                        inLeft -= step
                        _ = iconv(descriptor, nil, nil, nil, nil)
                    }
                }
                // Flush any pending shift sequence (none of the charsets used here are stateful, but be exact).
                var outPointer: UnsafeMutablePointer<CChar>? = chunkBase
                var outLeft = chunkBuffer.count
                if iconv(descriptor, nil, nil, &outPointer, &outLeft) != -1 {
                    output.append(contentsOf: chunkBuffer[0..<(chunkBuffer.count - outLeft)])
                }
            }
        }
        return (output, replacements)
    }

    /// Converts bytes in a legacy charset to text, replacing each undecodable byte with U+FFFD
    /// (as Python's `errors="replace"` does for these codecs).
    func decode(_ bytes: some Collection<UInt8>) -> (text: String, replacements: Int) {
        let (utf8, replacements) = convert(bytes, replacement: [0xEF, 0xBF, 0xBD])
        return (String(decoding: utf8, as: UTF8.self), replacements)
    }

    /// The bytes of one Unicode scalar in the target charset, or nil when it has none there.
    /// The converter must have been opened from "UTF-8".
    func encode(_ scalar: Unicode.Scalar) -> [UInt8]? {
        let (bytes, replacements) = convert(Array(String(scalar).utf8), replacement: [])
        return replacements == 0 && !bytes.isEmpty ? bytes : nil
    }

    /// The length of the UTF-8 sequence a lead byte starts, for stepping over an unencodable scalar.
    static func utf8SequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }
}
