import Foundation

/// A media type with its parameters, as a Content-Type header or one range of an Accept header
/// gives it (RFC 9110 8.3.1, 12.5.1): `multipart/related; type="application/dicom"; boundary=x`.
struct MediaRange: Sendable, Hashable {
    /// "type/subtype", lowercased.
    let type: String
    /// Parameter names lowercased; values unquoted, their case kept (a boundary is case-sensitive).
    let parameters: [String: String]

    init(_ text: Substring) {
        let fields = Self.split(text, on: ";")
        type = fields.first.map { $0.trimmed.lowercased() } ?? ""
        var parameters: [String: String] = [:]
        for field in fields.dropFirst() {
            guard let equals = field.firstIndex(of: "=") else { continue }
            let name = field[..<equals].trimmed.lowercased()
            var value = field[field.index(after: equals)...].trimmed
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            parameters[name] = value
        }
        self.parameters = parameters
    }

    init(_ text: String) { self.init(Substring(text)) }

    /// The ranges of an Accept header, in the order given; those with q=0 (not acceptable) left out.
    static func accepted(_ header: String) -> [MediaRange] {
        split(Substring(header), on: ",").map(MediaRange.init).filter { !$0.type.isEmpty && !$0.refused }
    }

    private var refused: Bool {
        guard let q = parameters["q"], let weight = Double(q) else { return false }
        return weight <= 0
    }

    /// Splits on `separator` outside quoted strings.
    private static func split(_ text: Substring, on separator: Character) -> [Substring] {
        var fields: [Substring] = []
        var start = text.startIndex
        var quoted = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" { quoted.toggle() }
            if character == separator, !quoted {
                fields.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        fields.append(text[start...])
        return fields
    }
}

private extension Substring {
    var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
