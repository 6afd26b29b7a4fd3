import Foundation
import Imaging

/// What a rendered or thumbnail request asks for (PS3.18 8.3.5.1 for WADO-RS, 9.2 for
/// WADO-URI): the media type, a window, a viewport, a JPEG quality, a frame. Everything is
/// checked before the gate is asked, so a malformed request discloses nothing.
struct RenderedRequest: Sendable {
    let format: RenderedFormat
    let window: VOIWindow?
    let viewport: Viewport?
    /// WADO-URI's frameNumber; WADO-RS names the frame in the path.
    let frame: Int?
    /// The request asked for burned-in annotations, which Rampart does not draw.
    let askedForAnnotation: Bool

    /// PS3.18 8.3.5.1.1 lets an origin server leave annotation out; the 299 warning says so
    /// (the form PS3.18 gives for what a server did not do, RFC 9111 5.5).
    var warning: String? {
        askedForAnnotation ? #"299 rampart "The annotation query parameter is not supported: the image is rendered without annotations.""# : nil
    }

    /// A WADO-RS rendered or thumbnail request: the Accept header (or the `accept` query
    /// parameter, which takes precedence, PS3.18 8.3.3.1), `window=center,width[,function]`,
    /// `viewport`, `quality`, `annotation`.
    init(accept header: String?, _ parameters: [(name: String, value: String)], defaultViewport: Viewport? = nil) throws(WebProblem) {
        var values: [String: String] = [:]
        for (name, value) in parameters {
            guard values[name] == nil else { throw WebProblem(.badRequest, "\(name) is given twice") }
            values[name] = value
        }
        let quality = try Self.quality(values["quality"], name: "quality")
        format = try Self.format(accepting: values["accept"] ?? header, quality: quality)
        window = try values["window"].map { (text) throws(WebProblem) in try Self.window(text) }
        viewport = try values["viewport"].map { (text) throws(WebProblem) in try Self.viewport(text) } ?? defaultViewport
        frame = nil
        askedForAnnotation = values["annotation"].map { !$0.isEmpty } ?? false
    }

    /// A WADO-URI request for a rendered image (PS3.18 9.2): `contentType` image/jpeg (its
    /// default) or image/png, `windowCenter` with `windowWidth`, `rows` and `columns` (the most
    /// the image may have), `frameNumber`, `imageQuality`, `annotation`.
    init(uri values: [String: String], types: [String]) throws(WebProblem) {
        let quality = try Self.quality(values["imageQuality"], name: "imageQuality")
        format = try Self.format(accepting: types.joined(separator: ","), quality: quality)
        switch (values["windowCenter"], values["windowWidth"]) {
        case (nil, nil): window = nil
        case let (center?, width?): window = try Self.window("\(center),\(width)")
        case (_?, nil), (nil, _?): throw WebProblem(.badRequest, "windowCenter and windowWidth go together (PS3.18 9.2.4.7): give both or neither")
        }
        let rows = try values["rows"].map { (text) throws(WebProblem) in try Self.size(text, name: "rows") }
        let columns = try values["columns"].map { (text) throws(WebProblem) in try Self.size(text, name: "columns") }
        // Either alone bounds that side only (PS3.18 9.2.4.5 and 9.2.4.6).
        viewport = rows == nil && columns == nil ? nil
            : Viewport(width: columns ?? Viewport.maximumSide, height: rows ?? Viewport.maximumSide)
        frame = try values["frameNumber"].map { (text) throws(WebProblem) in
            guard let number = Int(text), number >= 1 else { throw WebProblem(.badRequest, "frameNumber must be a frame number from 1, not \(text)") }
            return number
        }
        askedForAnnotation = values["annotation"].map { !$0.isEmpty } ?? false
    }

    /// The first rendered type the request accepts: image/jpeg for `image/*`, `*/*` or no
    /// Accept at all (PS3.18 8.7.4: JPEG is the default for single-frame images).
    private static func format(accepting header: String?, quality: Int?) throws(WebProblem) -> RenderedFormat {
        let jpeg = RenderedFormat.jpeg(quality: quality ?? RenderedFormat.defaultQuality)
        guard let header, !header.trimmingCharacters(in: .whitespaces).isEmpty else { return jpeg }
        for range in MediaRange.accepted(header) {
            switch range.type {
            case "image/jpeg", "image/*", "*/*": return jpeg
            case "image/png": return .png
            default: continue
            }
        }
        throw WebProblem(.notAcceptable, "rendered images are served as image/jpeg or image/png, not \(header)")
    }

    private static func quality(_ text: String?, name: String) throws(WebProblem) -> Int? {
        guard let text else { return nil }
        guard let quality = Int(text), (1...100).contains(quality) else {
            throw WebProblem(.badRequest, "\(name) must be a whole number from 1 to 100, not \(text)")
        }
        return quality
    }

    /// `center,width[,function]`, the function linear, linear-exact or sigmoid (PS3.18 8.3.5.1.4).
    private static func window(_ text: String) throws(WebProblem) -> VOIWindow {
        let fields = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard (2...3).contains(fields.count), let center = Double(fields[0]), let width = Double(fields[1]) else {
            throw WebProblem(.badRequest, "window must be center,width or center,width,function (linear, linear-exact or sigmoid), not \(text)")
        }
        let function: VOILUTFunction
        switch fields.count == 3 ? fields[2].lowercased().replacingOccurrences(of: "_", with: "-") : "linear" {
        case "linear": function = .linear
        case "linear-exact": function = .linearExact
        case "sigmoid": function = .sigmoid
        default: throw WebProblem(.badRequest, "the window function must be linear, linear-exact or sigmoid, not \(fields[2])")
        }
        do {
            return try VOIWindow(center: center, width: width, function: function)
        } catch {
            throw WebProblem(.badRequest, "\(error)")
        }
    }

    private static func viewport(_ text: String) throws(WebProblem) -> Viewport {
        do {
            return try Viewport(text)
        } catch {
            throw WebProblem(.badRequest, "\(error)")
        }
    }

    private static func size(_ text: String, name: String) throws(WebProblem) -> Int {
        guard let size = Int(text), (1...Viewport.maximumSide).contains(size) else {
            throw WebProblem(.badRequest, "\(name) must be a whole number from 1 to \(Viewport.maximumSide), not \(text)")
        }
        return size
    }
}
