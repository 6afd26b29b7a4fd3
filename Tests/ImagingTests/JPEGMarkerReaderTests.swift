import Testing
@testable import Imaging

/// The marker reader both Swift JPEG decoders share: it passes over fill bytes, application data
/// and comments, reads DRI, and refuses segments that run past the stream, a second frame header,
/// a scan before the frame header and the frame headers of processes the decoder does not read.
@Suite struct JPEGMarkerReaderTests {
    private let syntax = "JPEG test"

    private func reader(_ bytes: [UInt8]) -> JPEGMarkerReader {
        JPEGMarkerReader(bytes, syntax: syntax, frameMarkers: [JPEGMarker.losslessHuffmanFrame], processes: "SOF3 frames")
    }

    /// SOF3 of 8-bit samples, 2 rows, 3 columns, one component.
    private let frameHeader: [UInt8] = [0xFF, 0xC3, 0x00, 0x0B, 8, 0x00, 0x02, 0x00, 0x03, 1, 1, 0x11, 0]

    @Test func skipsFillBytesApplicationDataAndCommentsAndReadsTheRestartInterval() throws {
        var reader = reader([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0xAA, 0xBB, 0xFF, 0xFF, 0xFE, 0x00, 0x03, 0x43,
                             0xFF, 0xDD, 0x00, 0x04, 0x00, 0x10, 0xFF, 0xD9])
        try reader.readStartOfImage()
        guard case .restartInterval(let interval) = try reader.next() else { Issue.record("DRI not read"); return }
        #expect(interval == 16)
        guard case .endOfImage = try reader.next() else { Issue.record("EOI not read"); return }
    }

    @Test func readsTheFrameHeader() throws {
        var reader = reader([0xFF, 0xD8] + frameHeader)
        try reader.readStartOfImage()
        guard case .frameHeader(let header) = try reader.next() else { Issue.record("SOF3 not read"); return }
        #expect(header.precision == 8 && header.rows == 2 && header.columns == 3)
        #expect(header.components.map(\.identifier) == [1] && header.components[0].horizontal == 1 && header.components[0].vertical == 1)
    }

    private func refusal(_ bytes: [UInt8]) -> CodecError? {
        var reader = reader(bytes)
        do {
            try reader.readStartOfImage()
            while true {
                if case .endOfImage = try reader.next() { return nil }
            }
        } catch {
            return error
        }
    }

    @Test func refusesMalformedStreams() {
        let cases: [(bytes: [UInt8], comment: Comment)] = [
            ([0x00, 0xD8, 0xFF, 0xD9], "no SOI"),
            ([0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, 0x00], "an APP1 segment running past the stream"),
            ([0xFF, 0xD8, 0xFF, 0xDD, 0x00, 0x03, 0x00, 0xFF, 0xD9], "a DRI segment of 1 byte"),
            ([0xFF, 0xD8] + frameHeader + frameHeader + [0xFF, 0xD9], "a second frame header"),
            ([0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 1, 0, 0, 0xFF, 0xD9], "a scan before the frame header"),
            ([0xFF, 0xD8, 0xFF, 0x01, 0xFF, 0xD9], "an unexpected marker"),
            ([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x02], "no EOI"),
        ]
        for (bytes, comment) in cases {
            guard case .malformed? = refusal(bytes) else { Issue.record("\(comment): \(String(describing: refusal(bytes)))"); continue }
        }
    }

    @Test func refusesFrameHeadersOfOtherProcessesAsUnsupported() {
        var baseline = frameHeader
        baseline[1] = JPEGMarker.baselineFrame
        guard case .unsupported? = refusal([0xFF, 0xD8] + baseline + [0xFF, 0xD9]) else { Issue.record("SOF0 not refused as unsupported"); return }
    }
}
