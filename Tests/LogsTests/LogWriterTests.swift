import Foundation
import Synchronization
import Logs
import Testing

@Suite("Log lines in text, JSON and logfmt")
struct LogWriterTests {
    /// 2026-11-24T23:15:02.123Z
    private static let time = Date(timeIntervalSince1970: 1_795_562_102.1235)
    private static let record = LogRecord(time: time, level: .notice, message: "association X@127.0.0.1 -> \"A\" rejected:\tno",
                                          fields: [LogField("association", "00ff"), LogField("note", "a b=c")])

    @Test func textPutsTimeLevelMessageThenTheFields() {
        #expect(LogWriter(format: .text, minimum: .info).line(Self.record)
            == "2026-11-24T23:15:02.123Z notice association X@127.0.0.1 -> \"A\" rejected:\tno [association=00ff note=a b=c]")
    }

    @Test func jsonIsOneObjectThatJSONParsersRead() throws {
        let line = LogWriter(format: .json, minimum: .info).line(Self.record)
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object == ["time": "2026-11-24T23:15:02.123Z", "level": "notice", "message": Self.record.message,
                           "association": "00ff", "note": "a b=c"])
        // Control characters cannot break the line.
        let control = LogRecord(time: Self.time, level: .error, message: "a\nb\u{1}c")
        #expect(LogWriter(format: .json, minimum: .info).line(control).contains(#""message":"a\nb\u0001c""#))
    }

    @Test func logfmtQuotesOnlyWhatNeedsIt() {
        #expect(LogWriter(format: .logfmt, minimum: .info).line(Self.record)
            == #"time=2026-11-24T23:15:02.123Z level=notice msg="association X@127.0.0.1 -> \"A\" rejected:\tno" association=00ff note="a b=c""#)
    }

    @Test func contextAddsFieldsAndTheMinimumDropsLines() {
        let lines = Mutex<[LogRecord]>([])
        let log = Log { record in lines.withLock { $0.append(record) } }.with("request", "r1")
        log.with("association", "a1").warning("w")
        log.debug("d")
        let written = lines.withLock { $0 }
        #expect(written.map(\.fields) == [[LogField("request", "r1"), LogField("association", "a1")], [LogField("request", "r1")]])
        #expect(written.map(\.level) == [.warning, .debug])
        #expect(LogLevel.allCases.filter { $0 >= .notice } == [.notice, .warning, .error])
        #expect(LogLevel(name: "WARNING") == .warning && LogLevel(name: "verbose") == nil)
    }
}
