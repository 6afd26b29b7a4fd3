import DICOM
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The progress of `rampart import` and `rampart deidentify` on standard error. On a terminal it
/// is one line redrawn in place (`imported 412/1000  41%  87.3 files/s  ETA 0:07`); otherwise (a
/// log file, a pipe) a plain line at most every `plainInterval`; with --quiet nothing at all.
struct ImportProgress {
    enum Mode {
        case terminal, plain, quiet
    }

    static let redrawInterval = Duration.milliseconds(100)
    static let plainInterval = Duration.seconds(5)

    let mode: Mode
    /// What each file underwent, first on the line: "imported", "de-identified", "backed up", "restored".
    let verb: String
    private let sink = FileSink(descriptor: 2, name: "standard error")
    private var total = 0
    private var start = ContinuousClock.now
    private var lastShown: ContinuousClock.Instant?

    init(quiet: Bool, verb: String = "imported") {
        mode = quiet ? .quiet : isatty(2) == 1 ? .terminal : .plain
        self.verb = verb
    }

    /// Said while the paths are walked, before the total is known.
    func scanning() {
        show("scanning…")
    }

    mutating func begin(total: Int, at now: ContinuousClock.Instant) {
        self.total = total
        start = now
        lastShown = nil
        show("found \(total) files")
    }

    mutating func update(done: Int, at now: ContinuousClock.Instant) {
        let interval = mode == .terminal ? Self.redrawInterval : Self.plainInterval
        if let lastShown, now - lastShown < interval, done < total { return }
        lastShown = now
        show(line(done: done, elapsed: now - start))
    }

    /// Ends a redrawn line, so that what follows starts on a line of its own.
    func finish() {
        if mode == .terminal { write("\n") }
    }

    func line(done: Int, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let percent = total > 0 ? done * 100 / total : 100
        let eta = rate > 0 ? Self.clock(Int((Double(total - done) / rate).rounded(.up))) : "-:--"
        return "\(verb) \(done)/\(total)  \(percent)%  \(String(format: "%.1f", rate)) files/s  ETA \(eta)"
    }

    /// 0:07, 12:34, 1:02:03.
    static func clock(_ seconds: Int) -> String {
        let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
        let tail = String(format: "%02d", rest)
        return hours > 0 ? "\(hours):\(String(format: "%02d", minutes)):\(tail)" : "\(minutes):\(tail)"
    }

    private func show(_ text: String) {
        switch mode {
        case .terminal: write("\r" + text + "\u{1B}[K")
        case .plain: write(text + "\n")
        case .quiet: break
        }
    }

    private func write(_ text: String) {
        try? sink.write(Array(text.utf8))
        try? sink.flush()
    }
}
