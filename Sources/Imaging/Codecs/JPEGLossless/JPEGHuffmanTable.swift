/// A Huffman table of JPEG: 16 counts of codes by length and the symbols in code order (T.81
/// B.2.4.2, Annex C). Lossless JPEG's symbols are difference categories SSSS (0...16); the DCT
/// processes' AC tables code run/size bytes (0...255).
struct JPEGHuffmanTable: Sendable, Equatable {
    /// counts[length - 1]: how many codes are `length` bits long.
    let counts: [Int]
    let symbols: [UInt8]

    /// The largest code of each length, -1 where there is none; and where that length's first symbol lies (T.81 F.2.2.3).
    private let maximumCode: [Int]
    private let firstCode: [Int]
    private let firstSymbol: [Int]

    /// A table read from a DHT segment, checked: the counts match the symbols, each symbol is at
    /// most `maximumSymbol` (16, a difference category, for lossless JPEG), and each length's codes fit in its bits.
    init(counts: [Int], symbols: [UInt8], maximumSymbol: UInt8 = 16) throws(JPEGTableError) {
        guard counts.count == 16, counts.reduce(0, +) == symbols.count, !symbols.isEmpty else { throw .countsDisagree }
        guard symbols.allSatisfy({ $0 <= maximumSymbol }) else { throw .symbolOutOfRange(maximum: maximumSymbol) }
        var code = 0
        for length in 1...16 {
            code += counts[length - 1]
            guard code <= 1 << length else { throw .tooManyCodes(length: length) }
            code <<= 1
        }
        self.init(checkedCounts: counts, symbols: symbols)
    }

    /// The tables of a DHT segment's body (T.81 B.2.4.2), each with its class (0 DC, 1 AC) and
    /// number (0 to 3). `maximumSymbols[c]` bounds the symbols of class c; a class past its end
    /// is not one of the process.
    static func tables(inSegment body: ArraySlice<UInt8>, maximumSymbols: [UInt8],
                       syntax: String) throws(CodecError) -> [(tableClass: Int, identifier: Int, table: JPEGHuffmanTable)] {
        var tables: [(tableClass: Int, identifier: Int, table: JPEGHuffmanTable)] = []
        var index = body.startIndex
        while index < body.endIndex {
            guard index + 17 <= body.endIndex else { throw .malformed(syntax: syntax, reason: "a DHT table is cut off before its 16 code counts") }
            let tableClass = Int(body[index] >> 4), identifier = Int(body[index] & 0x0F)
            guard tableClass < maximumSymbols.count, identifier < 4 else {
                let classes = maximumSymbols.count == 1 ? "DC tables" : "DC and AC tables"
                throw .malformed(syntax: syntax, reason: "DHT table class \(tableClass) number \(identifier); this process uses \(classes) 0 to 3")
            }
            let counts = body[(index + 1)..<(index + 17)].map(Int.init)
            let total = counts.reduce(0, +)
            guard index + 17 + total <= body.endIndex else {
                throw .malformed(syntax: syntax, reason: "DHT table \(identifier) is cut off inside its \(total) symbols")
            }
            do {
                let table = try JPEGHuffmanTable(counts: counts, symbols: Array(body[(index + 17)..<(index + 17 + total)]),
                                                 maximumSymbol: maximumSymbols[tableClass])
                tables.append((tableClass, identifier, table))
            } catch {
                throw .malformed(syntax: syntax, reason: "DHT \(tableClass == 0 ? "DC" : "AC") table \(identifier) is not a valid Huffman table: \(error)")
            }
            index += 17 + total
        }
        return tables
    }

    private init(checkedCounts counts: [Int], symbols: [UInt8]) {
        var maximum = [Int](repeating: -1, count: 16), first = [Int](repeating: 0, count: 16), start = [Int](repeating: 0, count: 16)
        var code = 0, symbol = 0
        for length in 0..<16 {
            first[length] = code
            start[length] = symbol
            code += counts[length]
            symbol += counts[length]
            if counts[length] > 0 { maximum[length] = code - 1 }
            code <<= 1
        }
        self.counts = counts
        self.symbols = symbols
        maximumCode = maximum
        firstCode = first
        firstSymbol = start
    }

    /// The symbol whose code starts the reader's next bits.
    func decodeSymbol(_ reader: inout JPEGBitReader) throws(JPEGBitReader.Exhausted) -> UInt8 {
        var code = 0
        for length in 0..<16 {
            code = code << 1 | (try reader.bit())
            if code <= maximumCode[length] { return symbols[firstSymbol[length] + code - firstCode[length]] }
        }
        // No code of 16 bits or fewer: only all-ones bits remain, which the table reserves.
        throw JPEGBitReader.Exhausted(invalidCode: true)
    }

    /// (code, length) of each symbol the table has, indexed by symbol.
    func codes() -> [(code: Int, length: Int)?] {
        var table = [(code: Int, length: Int)?](repeating: nil, count: Int(symbols.max() ?? 0) + 1)
        var code = 0, index = 0
        for length in 1...16 {
            for _ in 0..<counts[length - 1] {
                table[Int(symbols[index])] = (code, length)
                code += 1
                index += 1
            }
            code <<= 1
        }
        return table
    }

    /// The table of shortest codes (at most 16 bits) for symbols seen `frequencies[symbol]` times,
    /// by the procedure of T.81 Annex K.2 (Figures K.1 to K.3), which keeps the all-ones code free.
    static func optimal(for frequencies: [Int]) -> JPEGHuffmanTable {
        // One more symbol, seen once, holds the all-ones code and is removed at the end.
        let reserved = frequencies.count
        var frequency = frequencies + [1]
        var codeSize = [Int](repeating: 0, count: frequency.count)
        var others = [Int](repeating: -1, count: frequency.count)
        while true {
            // The two least frequent symbols (ties to the larger index), merged.
            var least = -1, next = -1
            for symbol in frequency.indices where frequency[symbol] > 0 {
                if least < 0 || frequency[symbol] <= frequency[least] { least = symbol }
            }
            for symbol in frequency.indices where frequency[symbol] > 0 && symbol != least {
                if next < 0 || frequency[symbol] <= frequency[next] { next = symbol }
            }
            guard least >= 0, next >= 0 else { break }
            frequency[least] += frequency[next]
            frequency[next] = 0
            var chain = least
            codeSize[chain] += 1
            while others[chain] >= 0 {
                chain = others[chain]
                codeSize[chain] += 1
            }
            others[chain] = next
            chain = next
            codeSize[chain] += 1
            while others[chain] >= 0 {
                chain = others[chain]
                codeSize[chain] += 1
            }
        }
        var bits = [Int](repeating: 0, count: 33)
        for size in codeSize where size > 0 { bits[size] += 1 }
        // Codes longer than 16 bits are shortened in pairs (Figure K.3).
        for length in stride(from: 32, to: 16, by: -1) {
            while bits[length] > 0 {
                var shorter = length - 2
                while bits[shorter] == 0 { shorter -= 1 }
                bits[length] -= 2
                bits[length - 1] += 1
                bits[shorter + 1] += 2
                bits[shorter] -= 1
            }
        }
        var longest = 16
        while bits[longest] == 0 { longest -= 1 }
        bits[longest] -= 1  // the reserved symbol's code, the longest
        // Symbols by code size, then by value (Figure K.4).
        let symbols = (1...32).flatMap { size in
            (0..<reserved).filter { codeSize[$0] == size }.map(UInt8.init)
        }
        // The reserved symbol, least frequent, had the longest code: it was the one removed above.
        return JPEGHuffmanTable(checkedCounts: Array(bits[1...16]), symbols: symbols)
    }
}

/// Why a DHT segment's table is not a Huffman table of the process.
enum JPEGTableError: Error, Equatable, CustomStringConvertible {
    case countsDisagree
    case symbolOutOfRange(maximum: UInt8)
    case tooManyCodes(length: Int)

    var description: String {
        switch self {
        case .countsDisagree: "its code counts do not match its symbols"
        case let .symbolOutOfRange(maximum): "a symbol is above \(maximum), the largest this kind of table codes"
        case let .tooManyCodes(length): "it has more codes of \(length) bits than \(length) bits can hold"
        }
    }
}
