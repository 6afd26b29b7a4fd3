#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversions between DICOM's numeric strings (DS, IS; PS3.5 Table 6.2-1) and JSON numbers
/// (RFC 8259 section 6), which are close but not the same: DS allows "+5", ".5" and "1.", JSON
/// does not; DS allows at most 16 characters, JSON any number.
enum NumberText {
    /// A DS value as a JSON number, changing its text only where JSON requires: a leading "+" and
    /// leading zeros dropped, "0" put before a bare "." and after a trailing one. Nil when the
    /// value is not a decimal number at all (pydicom would fail on it too).
    static func jsonNumber(decimalString text: String) -> String? {
        var bytes = Array(text.utf8)[...]
        var output = ""
        if bytes.first == UInt8(ascii: "-") {
            output.append("-")
            bytes = bytes.dropFirst()
        } else if bytes.first == UInt8(ascii: "+") {
            bytes = bytes.dropFirst()
        }
        let integer = bytes.prefix(while: isDigit)
        bytes = bytes.dropFirst(integer.count)
        var fraction: ArraySlice<UInt8> = []
        var hasPoint = false
        if bytes.first == UInt8(ascii: ".") {
            hasPoint = true
            bytes = bytes.dropFirst()
            fraction = bytes.prefix(while: isDigit)
            bytes = bytes.dropFirst(fraction.count)
        }
        guard !integer.isEmpty || !fraction.isEmpty else { return nil }
        var exponent = ""
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            exponent.append(Character(UnicodeScalar(e)))
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponent.append(Character(UnicodeScalar(sign)))
                bytes = bytes.dropFirst()
            }
            let digits = bytes.prefix(while: isDigit)
            guard !digits.isEmpty else { return nil }
            exponent.append(String(decoding: digits, as: UTF8.self))
            bytes = bytes.dropFirst(digits.count)
        }
        guard bytes.isEmpty else { return nil }
        let significant = integer.drop(while: { $0 == UInt8(ascii: "0") })
        output.append(significant.isEmpty ? "0" : String(decoding: significant, as: UTF8.self))
        if hasPoint {
            output.append(".")
            output.append(fraction.isEmpty ? "0" : String(decoding: fraction, as: UTF8.self))
        }
        return output + exponent
    }

    /// An IS value as a JSON integer ("+007" → "7"); a decimal with an integral value ("2.0", as
    /// pydicom accepts) gives that integer. Nil when it is not an integer.
    static func jsonInteger(integerString text: String) -> String? {
        if let value = Int(text) { return String(value) }
        guard let decimal = jsonNumber(decimalString: text), let double = Double(decimal),
              let value = Int(exactly: double) else { return nil }
        return String(value)
    }

    /// Whether `text` is a number by JSON's grammar.
    static func isJSONNumber(_ text: some StringProtocol) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let integer = bytes.prefix(while: isDigit)
        guard !integer.isEmpty, integer.count == 1 || integer.first != UInt8(ascii: "0") else { return false }
        bytes = bytes.dropFirst(integer.count)
        if bytes.first == UInt8(ascii: ".") {
            let fraction = bytes.dropFirst().prefix(while: isDigit)
            guard !fraction.isEmpty else { return false }
            bytes = bytes.dropFirst(1 + fraction.count)
        }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            let digits = bytes.prefix(while: isDigit)
            guard !digits.isEmpty else { return false }
            bytes = bytes.dropFirst(digits.count)
        }
        return bytes.isEmpty
    }

    /// Text for a DS value read from a number: the text as given when it is a valid DS of at most
    /// 16 characters ("1.50" stays "1.50"), else the number in the shortest form that fits.
    static func decimalString(fromNumber text: String) -> String? {
        let trimmed = trimmingSpaces(text)
        if trimmed.utf8.count <= 16, jsonNumber(decimalString: trimmed) != nil { return trimmed }
        guard let value = Double(trimmed), value.isFinite else { return nil }
        return decimalString(value)
    }

    /// Text for an IS value read from a number: the text as given when it is a valid IS ("+007"),
    /// else the integer it stands for (2.0 → "2"). Nil when it is not an integer.
    static func integerString(fromNumber text: String) -> String? {
        let trimmed = trimmingSpaces(text)
        let digits = trimmed.utf8.drop(while: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") })
        if trimmed.utf8.count <= 12, trimmed.utf8.count - digits.count <= 1, !digits.isEmpty, digits.allSatisfy(isDigit) {
            return trimmed
        }
        return integer(trimmed, as: Int64.self).map { String($0) }
    }

    /// The shortest text of at most 16 characters that reads back as `value`, or as near as 16
    /// characters allow (PS3.5 6.2: DS is at most 16 bytes).
    static func decimalString(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        let shortest = value.description
        if shortest.utf8.count <= 16 { return shortest }
        for precision in stride(from: 17, through: 1, by: -1) {
            let text = format(value, precision: precision)
            if text.utf8.count <= 16 { return text }
        }
        return nil
    }

    /// An integer read from text: a JSON integer, or a decimal with an integral value ("5.0",
    /// "1e3"). Nil if it has a fraction or does not fit `T`.
    static func integer<T: FixedWidthInteger>(_ text: String, as _: T.Type) -> T? {
        let trimmed = trimmingSpaces(text)
        if let value = T(trimmed) { return value }
        guard let decimal = jsonNumber(decimalString: trimmed), let double = Double(decimal),
              double.rounded() == double, abs(double) < 9.007_199_254_740_992e15 else { return nil }
        return T(exactly: double)
    }

    /// A floating point number read from text, with the spellings of infinity and NaN that
    /// Python's json, JavaScript and XML Schema use.
    static func double(_ text: String) -> Double? {
        let trimmed = trimmingSpaces(text)
        switch trimmed {
        case "NaN", "nan", "NAN": return .nan
        case "Infinity", "+Infinity", "INF", "+INF", "inf", "+inf": return .infinity
        case "-Infinity", "-INF", "-inf": return -.infinity
        default:
            guard let decimal = jsonNumber(decimalString: trimmed) else { return nil }
            return Double(decimal)
        }
    }

    static func float(_ text: String) -> Float? {
        let trimmed = trimmingSpaces(text)
        if let decimal = jsonNumber(decimalString: trimmed) { return Float(decimal) }
        return double(trimmed).map { Float($0) }
    }

    private static func format(_ value: Double, precision: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = withVaList([Int32(precision), value]) { arguments in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, "%.*g", arguments) }
        }
        guard count > 0 else { return value.description }
        return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Without leading and trailing spaces (only U+0020, the DICOM padding character).
    static func trimmingSpaces(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " }),
              let last = scalars.lastIndex(where: { $0 != " " }) else { return "" }
        return String(scalars[first...last])
    }
}

