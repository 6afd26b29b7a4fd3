/// How a log line is written: for a person reading a terminal or journal (`text`), or for a
/// log collector (`json`, one object per line; `logfmt`, key=value pairs).
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
    case logfmt
}
