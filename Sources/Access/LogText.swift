/// Text a peer chose (a claimed user name, a token's key id) as it may appear in a log line or
/// the audit log: printable ASCII only, no quotation marks, at most `limit` characters, so
/// it can neither forge lines nor flood them.
public enum LogText {
    public static func printable(_ text: String, limit: Int = 64) -> String {
        String(text.unicodeScalars.prefix(limit).map { (0x20..<0x7F).contains($0.value) && $0 != "\"" ? Character($0) : "?" })
    }
}
