/// One instance named by its SOP class and instance UIDs, as a Referenced SOP Sequence
/// (0008,1199) item names it (PS3.4 J.3.2.1.1.2: Referenced SOP Class UID, Referenced SOP
/// Instance UID).
public struct SOPReference: Sendable, Hashable {
    public var sopClassUID: String
    public var sopInstanceUID: String

    public init(sopClassUID: String, sopInstanceUID: String) {
        self.sopClassUID = sopClassUID
        self.sopInstanceUID = sopInstanceUID
    }
}
