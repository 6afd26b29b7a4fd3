/// Why a re-identification lookup file could not be read.
public enum ReidentificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line is well formed but fails authentication: another project key sealed it, or it was
    /// changed.
    case cannotOpen(path: String, line: Int)
    /// The line is not a sealed record (not base64, or too short).
    case malformedLine(path: String, line: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let line):
            "line \(line) of \(path) does not open with this key: give the --key-file of the project "
                + "that wrote the lookup file (or the line was altered)"
        case .malformedLine(let path, let line):
            "line \(line) of \(path) is not a sealed lookup record: is this a file written by "
                + "rampart deidentify --lookup?"
        }
    }
}
