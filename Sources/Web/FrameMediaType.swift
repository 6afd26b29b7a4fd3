import DICOM

/// What frames and pixel bulk data go out as (PS3.18 8.7.3.5, Table 8.7.3-5): native pixel data
/// as `application/octet-stream` in Explicit VR Little Endian; compressed pixel data as stored,
/// in its transfer syntax's media type (or as `application/octet-stream` with that transfer
/// syntax when the client asks for `transfer-syntax=*`), or decompressed to
/// `application/octet-stream` when that is all the client accepts and Rampart decodes the
/// syntax (`DecodedFrames`); otherwise a 406 saying what could be sent.
enum FrameMediaType {
    static let nativeContentType = "application/octet-stream; transfer-syntax=\(TransferSyntax.explicitVRLittleEndian.uid)"

    /// The Content-Type of each part for data stored in `stored`, or a 406 naming what could be
    /// sent. `decodable`: compressed frames may go out decompressed (the native content type).
    static func negotiate(accept: String?, stored: TransferSyntax, decodable: Bool = false) throws(WebProblem) -> String {
        let ranges = accept.map(MediaRange.accepted) ?? []
        guard stored.isEncapsulated else {
            if ranges.isEmpty || ranges.contains(where: acceptsNative) { return nativeContentType }
            throw WebProblem(.notAcceptable, #"frames are served as multipart/related; type="application/octet-stream", not "# + (accept ?? ""))
        }
        let media = mediaType(of: stored.uid)
        if ranges.isEmpty { return "\(media); transfer-syntax=\(stored.uid)" }
        for range in ranges {
            switch range.type {
            case "*/*", "multipart/*":
                return "\(media); transfer-syntax=\(stored.uid)"
            case "multipart/related":
                let type = range.parameters["type"]?.lowercased() ?? "application/octet-stream"
                let syntax = range.parameters["transfer-syntax"]
                let asStored = syntax == nil || syntax == "*" || syntax == stored.uid
                if asStored, type == media || type == "*/*" || (type == "image/*" && media.hasPrefix("image/")) {
                    return "\(media); transfer-syntax=\(stored.uid)"
                }
                if type == "application/octet-stream", syntax == "*" || syntax == stored.uid {
                    return "application/octet-stream; transfer-syntax=\(stored.uid)"
                }
            default:
                continue
            }
        }
        if decodable, ranges.contains(where: acceptsNative) { return nativeContentType }
        throw WebProblem(.notAcceptable, "the pixel data is stored compressed as \(stored.name) and is served as stored, since Rampart does not "
            + #"decode that syntax: accept multipart/related; type="\#(media)", or transfer-syntax=*, not "# + (accept ?? ""))
    }

    private static func acceptsNative(_ range: MediaRange) -> Bool {
        switch range.type {
        case "*/*", "multipart/*": return true
        case "multipart/related":
            let syntax = range.parameters["transfer-syntax"]
            return [nil, "application/octet-stream", "application/*", "*/*"].contains(range.parameters["type"]?.lowercased())
                && (syntax == nil || syntax == "*" || syntax == TransferSyntax.explicitVRLittleEndian.uid)
        default: return false
        }
    }

    /// The media type of pixel data compressed in a transfer syntax (PS3.18 Table 8.7.3-5).
    static func mediaType(of uid: String) -> String {
        switch uid {
        case "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70": "image/jpeg"
        case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81": "image/jls"
        case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91": "image/jp2"
        case "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93": "image/jpx"
        case "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203": "image/jphc"
        case "1.2.840.10008.1.2.4.110", "1.2.840.10008.1.2.4.111", "1.2.840.10008.1.2.4.112": "image/jxl"
        case "1.2.840.10008.1.2.5": "image/dicom-rle"
        case "1.2.840.10008.1.2.4.100", "1.2.840.10008.1.2.4.101": "video/mpeg2"
        case "1.2.840.10008.1.2.4.102", "1.2.840.10008.1.2.4.103", "1.2.840.10008.1.2.4.104", "1.2.840.10008.1.2.4.105",
             "1.2.840.10008.1.2.4.106": "video/mp4"
        case "1.2.840.10008.1.2.4.107", "1.2.840.10008.1.2.4.108": "video/H265"
        default: "application/octet-stream"
        }
    }
}
