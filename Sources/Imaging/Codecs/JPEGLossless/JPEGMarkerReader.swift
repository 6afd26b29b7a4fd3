/// Reads the marker segments of one JPEG stream in order (T.81 B.1.1, B.2) for the Swift
/// decoders (process 14 and the sequential DCT processes): fill bytes before markers, each
/// segment's length word, application data and comments skipped, and the markers DICOM frames
/// do not use refused. A decoder reads the entropy-coded data after each scan header itself.
struct JPEGMarkerReader {
    /// A segment a decoder acts on.
    enum Segment {
        case frameHeader(JPEGFrameHeader)
        case huffmanTables(ArraySlice<UInt8>)
        case quantizationTables(ArraySlice<UInt8>)
        case restartInterval(Int)
        /// The scan's entropy-coded data begins at `position`.
        case scanHeader(JPEGScanHeader)
        case endOfImage
    }

    let bytes: [UInt8]
    private let syntax: String
    /// The SOFn markers of the processes the decoder reads, and those processes in words.
    private let frameMarkers: [UInt8]
    private let processes: String
    /// The next byte to read: a marker, or the first byte of a scan's entropy-coded data.
    private(set) var position = 0
    private var frameHeaderRead = false

    init(_ bytes: [UInt8], syntax: String, frameMarkers: [UInt8], processes: String) {
        self.bytes = bytes
        self.syntax = syntax
        self.frameMarkers = frameMarkers
        self.processes = processes
    }

    private func malformed(_ reason: String) -> CodecError {
        .malformed(syntax: syntax, reason: reason)
    }

    /// Past the SOI marker that begins every stream.
    mutating func readStartOfImage() throws(CodecError) {
        guard try nextMarker() == JPEGMarker.startOfImage else { throw malformed("the frame does not begin with a JPEG SOI marker") }
    }

    /// The next segment a decoder acts on, up to and including EOI.
    mutating func next() throws(CodecError) -> Segment {
        while true {
            let marker = try nextMarker()
            switch marker {
            case JPEGMarker.endOfImage:
                return .endOfImage
            case let frame where frameMarkers.contains(frame):
                let header = try JPEGFrameHeader(try segment(marker), marker: marker, syntax: syntax)
                guard !frameHeaderRead else { throw malformed("a second frame header; a frame has one") }
                frameHeaderRead = true
                return .frameHeader(header)
            case let frame where JPEGMarker.isStartOfFrame(frame):
                throw .unsupported(syntax: syntax, reason: "the frame is JPEG SOF\(marker - 0xC0); this decoder reads \(processes)")
            case JPEGMarker.defineHuffmanTables:
                return .huffmanTables(try segment(marker))
            case JPEGMarker.defineQuantizationTables:
                return .quantizationTables(try segment(marker))
            case JPEGMarker.defineRestartInterval:
                let body = try segment(marker)
                guard body.count == 2 else { throw malformed("the DRI segment is \(body.count) bytes, not 2") }
                return .restartInterval(Int(body[body.startIndex]) << 8 | Int(body[body.startIndex + 1]))
            case JPEGMarker.startOfScan:
                let body = try segment(marker)
                guard frameHeaderRead else { throw malformed("a scan begins before the frame header") }
                return .scanHeader(try JPEGScanHeader(body, syntax: syntax))
            case JPEGMarker.defineNumberOfLines:
                throw .unsupported(syntax: syntax, reason: "the frame's line count is given after its first scan (DNL), which DICOM frames do not use")
            case 0xE0...0xEF, 0xFE:
                _ = try segment(marker)  // application data and comments: the data set, not the stream, describes the pixels
            default:
                throw malformed("unexpected marker \(JPEGMarker.name(marker)) at byte \(position - 1)")
            }
        }
    }

    /// Past the entropy-coded data `scan` has read, to the marker after it (past any fill bytes but the last 0xFF).
    mutating func skipEntropyCodedData(readBy scan: inout JPEGBitReader) {
        _ = scan.isAtEndOfSegment()
        position = scan.position
        while position < bytes.count, !(bytes[position] == 0xFF && position + 1 < bytes.count && bytes[position + 1] != 0 && bytes[position + 1] != 0xFF) {
            position += 1
        }
    }

    /// The marker at `position` (after any 0xFF fill bytes).
    private mutating func nextMarker() throws(CodecError) -> UInt8 {
        guard position < bytes.count, bytes[position] == 0xFF else {
            throw malformed(position >= bytes.count ? "the stream ends at byte \(position) without an EOI marker" : "byte \(position) is not a JPEG marker")
        }
        while position < bytes.count, bytes[position] == 0xFF { position += 1 }
        guard position < bytes.count else { throw malformed("the stream ends inside a marker") }
        defer { position += 1 }
        return bytes[position]
    }

    /// The body of the marker segment at `position`: its length word counts itself.
    private mutating func segment(_ marker: UInt8) throws(CodecError) -> ArraySlice<UInt8> {
        guard position + 2 <= bytes.count else { throw malformed("the \(JPEGMarker.name(marker)) segment is cut off") }
        let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
        guard length >= 2, position + length <= bytes.count else {
            throw malformed("the \(JPEGMarker.name(marker)) segment's length \(length) runs past the stream's \(bytes.count) bytes")
        }
        defer { position += length }
        return bytes[(position + 2)..<(position + length)]
    }
}
