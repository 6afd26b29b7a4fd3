import NIOCore
import Testing
@testable import Web

@Suite struct MultipartParserTests {
    private struct Part: Equatable {
        var headers: [String: String]
        var body: [UInt8]
    }

    /// Feeds `chunks` and gathers the parts, checking the body ends properly.
    private func parts(_ chunks: [[UInt8]], boundary: String = "b0und") throws -> [Part] {
        var parser = try MultipartParser(boundary: boundary)
        var parts: [Part] = []
        var open = false
        for chunk in chunks {
            for event in try parser.feed(ByteBuffer(bytes: chunk)) {
                switch event {
                case .partBegan(let headers):
                    #expect(!open)
                    parts.append(Part(headers: headers, body: []))
                    open = true
                case .body(let bytes):
                    #expect(open)
                    parts[parts.count - 1].body += Array(bytes.readableBytesView)
                case .partEnded:
                    #expect(open)
                    open = false
                }
            }
        }
        try parser.finish()
        return parts
    }

    private static let twoParts: [UInt8] = {
        let text: String = "preamble to ignore\r\n"
            + "--b0und\r\nContent-Type: application/dicom\r\nContent-ID: <a>\r\n\r\n"
        let first: String = "first\r\nbody with \r\n--b0un and --b0und-- not at a line start\r\n"
        let second: String = "--b0und  \t\r\ncontent-type:application/dicom\r\n\r\nsecond"
        let end: String = "\r\n--b0und--\r\nepilogue to ignore"
        return Array((text + first + second + end).utf8)
    }()

    private static let expected = [
        Part(headers: ["content-type": "application/dicom", "content-id": "<a>"],
             body: Array("first\r\nbody with \r\n--b0un and --b0und-- not at a line start".utf8)),
        Part(headers: ["content-type": "application/dicom"], body: Array("second".utf8)),
    ]

    @Test func readsPartsBetweenPreambleAndEpilogue() throws {
        #expect(try parts([Self.twoParts]) == Self.expected)
    }

    @Test func readsTheSameWhateverWhereTheBuffersSplit() throws {
        #expect(try parts(Self.twoParts.map { [$0] }) == Self.expected)
        for split in stride(from: 1, to: Self.twoParts.count, by: 7) {
            #expect(try parts([Array(Self.twoParts[..<split]), Array(Self.twoParts[split...])]) == Self.expected)
        }
    }

    @Test func readsABodyThatStartsWithTheBoundaryAndAPartWithoutHeaders() throws {
        let body = Array("--b0und\r\n\r\n\r\n\r\n--b0und--".utf8)
        #expect(try parts([body]) == [Part(headers: [:], body: [0x0D, 0x0A])])
    }

    @Test func keepsBinaryBodiesByteForByte() throws {
        let binary = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) } + Array("\r\n--b0un".utf8) + [0x0D, 0x0D, 0x0A]
        let body = Array("--b0und\r\nContent-Type: application/dicom\r\n\r\n".utf8) + binary + Array("\r\n--b0und--\r\n".utf8)
        let chunks = stride(from: 0, to: body.count, by: 333).map { Array(body[$0..<min(body.count, $0 + 333)]) }
        #expect(try parts(chunks).map(\.body) == [binary])
    }

    @Test func refusesABodyCutShort() throws {
        #expect(throws: MultipartError.missingCloseDelimiter) {
            try parts([Array("--b0und\r\nContent-Type: application/dicom\r\n\r\npartial".utf8)])
        }
        #expect(throws: MultipartError.missingCloseDelimiter) {
            try parts([Array("--b0und\r\n\r\nwhole\r\n--b0und\r\n".utf8)])
        }
    }

    @Test func refusesABodyWithoutItsBoundary() throws {
        #expect(throws: MultipartError.noParts) {
            try parts([Array("--other\r\n\r\nx\r\n--other--".utf8)])
        }
    }

    @Test func refusesGarbageAfterABoundary() throws {
        #expect(throws: MultipartError.malformedBoundaryLine) {
            try parts([Array("--b0undX\r\n\r\nx\r\n--b0und--".utf8)])
        }
    }

    @Test func refusesAHeaderLineWithoutAColon() throws {
        #expect(throws: MultipartError.malformedHeader("no colon here")) {
            try parts([Array("--b0und\r\nno colon here\r\n\r\nx\r\n--b0und--".utf8)])
        }
    }

    @Test func refusesInvalidBoundaries() {
        #expect(throws: MultipartError.self) { try MultipartParser(boundary: "") }
        #expect(throws: MultipartError.self) { try MultipartParser(boundary: String(repeating: "x", count: 71)) }
        #expect(throws: MultipartError.self) { try MultipartParser(boundary: "ends in space ") }
    }

    @Test func readsWhatMultipartRelatedWrites() throws {
        let boundary = MultipartRelated.newBoundary()
        var body: [UInt8] = []
        for content in ["one", "two\r\n"] {
            body += MultipartRelated.partHead(boundary: boundary, contentType: "application/dicom") + Array(content.utf8) + MultipartRelated.partEnd
        }
        body += MultipartRelated.close(boundary: boundary)
        #expect(try parts([body], boundary: boundary).map { String(decoding: $0.body, as: UTF8.self) } == ["one", "two\r\n"])
    }
}
