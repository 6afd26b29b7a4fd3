/// An A-RELEASE-RP PDU, type 06H (PS3.8 9.3.7, Table 9-25): four reserved bytes, nothing else.
public struct ReleaseRP: Sendable, Hashable {
    public init() {}
}
