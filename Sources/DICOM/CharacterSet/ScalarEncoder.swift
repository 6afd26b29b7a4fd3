/// The bytes of single characters in the ISO 2022 sets, as they stand in the value: GL bytes for sets
/// in G0 (JIS X 0208, JIS X 0212), GR bytes for sets in G1. Remembers answers, since choosing a set
/// asks about the same characters more than once. Local to one encode call, with its converters.
final class ScalarEncoder {
    private let converters = IconvConverters(.fromUTF8)
    private var known: [Key: [UInt8]?] = [:]

    private struct Key: Hashable {
        let set: CodedCharacterSet
        let scalar: Unicode.Scalar
    }

    /// For a non-ASCII scalar; nil when `set` does not have it.
    func bytes(for scalar: Unicode.Scalar, in set: CodedCharacterSet) -> [UInt8]? {
        let key = Key(set: set, scalar: scalar)
        if let answer = known[key] { return answer }
        let answer = lookUp(scalar, in: set)
        known[key] = answer
        return answer
    }

    private func lookUp(_ scalar: Unicode.Scalar, in set: CodedCharacterSet) -> [UInt8]? {
        let value = scalar.value
        switch set {
        case .isoIR6, .utf8, .gb18030, .gbk:
            return nil
        case .latin1:
            return value <= 0xFF ? [UInt8(value)] : nil
        case .jisX0201:
            // Half-width katakana U+FF61–U+FF9F are 0xA1–0xDF in JIS X 0201.
            return (0xFF61...0xFF9F).contains(value) ? [UInt8(value - 0xFF61 + 0xA1)] : nil
        case .latin2, .latin3, .latin4, .cyrillic, .arabic, .greek, .hebrew, .latin5, .latin9, .thai:
            return SingleByteTable.of(set)?.encode(scalar).map { [$0] }
        case .jisX0208:
            guard let euc = converters.converter(set.iconvName)?.encode(scalar), euc.count == 2,
                  euc.allSatisfy({ (0xA1...0xFE).contains($0) }) else { return nil }
            return euc.map { $0 & 0x7F }
        case .jisX0212:
            guard let euc = converters.converter(set.iconvName)?.encode(scalar), euc.count == 3, euc[0] == 0x8F,
                  euc.dropFirst().allSatisfy({ (0xA1...0xFE).contains($0) }) else { return nil }
            return euc.dropFirst().map { $0 & 0x7F }
        case .ksX1001:
            guard let euc = converters.converter(set.iconvName)?.encode(scalar), euc.count == 2,
                  euc.allSatisfy({ (0xA1...0xFE).contains($0) }) else {
                return HangulMakeUpSequence.bytes(for: scalar)
            }
            return euc
        case .gb2312:
            guard let euc = converters.converter(set.iconvName)?.encode(scalar), euc.count == 2,
                  euc.allSatisfy({ (0xA1...0xFE).contains($0) }) else { return nil }
            return euc
        }
    }
}
