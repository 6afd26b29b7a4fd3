/// The framing of a multipart/related response body (RFC 2387, RFC 2046 5.1) that WADO-RS
/// sends: a fresh boundary per response, a head before each part, the close delimiter last.
enum MultipartRelated {
    /// 128 random bits in hex: no part's content can be expected to contain it.
    static func newBoundary() -> String {
        (0..<16).map { _ in
            let byte = UInt8.random(in: 0...255)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }

    /// The boundary line and headers that open a part; the part's body follows, then `CRLF`.
    static func partHead(boundary: String, contentType: String) -> [UInt8] {
        Array("--\(boundary)\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
    }

    /// The Content-Type of a body whose parts are all `partType` (its parameters, such as the
    /// transfer syntax, stay on the parts).
    static func contentType(of partType: String, boundary: String) -> String {
        let type = partType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? partType
        return #"multipart/related; type="\#(type)"; boundary="# + boundary
    }

    /// What follows each part's body.
    static let partEnd: [UInt8] = [0x0D, 0x0A]

    /// The close delimiter, after the last part.
    static func close(boundary: String) -> [UInt8] {
        Array("--\(boundary)--\r\n".utf8)
    }
}
