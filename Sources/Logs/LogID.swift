/// Identifiers for what log lines belong to (an association, a request): random, so that those
/// of several nodes or restarts do not collide, and short enough to search for.
public enum LogID {
    /// 16 hexadecimal digits.
    public static func random() -> String {
        let digits = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
