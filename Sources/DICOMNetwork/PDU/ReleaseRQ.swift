/// An A-RELEASE-RQ PDU, type 05H (PS3.8 9.3.6, Table 9-24): four reserved bytes, nothing else.
public struct ReleaseRQ: Sendable, Hashable {
    public init() {}
}
