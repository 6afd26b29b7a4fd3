/// The server's identity and, as the archive lands, its configuration and lifecycle.
public enum RampartServer {
    public static let version = "0.1.0"
}
