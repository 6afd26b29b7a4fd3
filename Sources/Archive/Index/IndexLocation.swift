/// Where an archive keeps its index.
public enum IndexLocation: Sendable, CustomStringConvertible {
    /// SQLite in the archive folder (`index.sqlite`): one node, nothing to run beside Rampart.
    case embedded
    /// A PostgreSQL database, which several nodes may share (docs/scaling.md).
    case postgres(PostgresIndexLocation)

    public var description: String {
        switch self {
        case .embedded: "embedded SQLite"
        case .postgres(let location): location.description
        }
    }
}
