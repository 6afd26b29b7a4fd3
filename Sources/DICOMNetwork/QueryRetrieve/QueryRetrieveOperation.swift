/// The DIMSE-C service an identifier came with (PS3.4 C.4): it decides which keys an identifier
/// may hold and how they are read.
public enum QueryRetrieveOperation: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// C-FIND (PS3.4 C.4.1): any keys; matches are returned.
    case find
    /// C-MOVE (PS3.4 C.4.2): unique keys only; matches are sent to a third AE.
    case move
    /// C-GET (PS3.4 C.4.3): unique keys only; matches are sent back on the association.
    case get

    /// The operation of a Query/Retrieve SOP Class UID: the last UID component is 1 for FIND,
    /// 2 for MOVE and 3 for GET in every information model (PS3.4 C.6); nil for other UIDs.
    public init?(sopClassUID: String) {
        let uid = QueryRetrieveModel.trimmed(sopClassUID)
        if QueryRetrieveModel.findSOPClasses.contains(uid) {
            self = .find
        } else if QueryRetrieveModel.moveSOPClasses.contains(uid) {
            self = .move
        } else if QueryRetrieveModel.getSOPClasses.contains(uid) {
            self = .get
        } else {
            return nil
        }
    }

    /// C-MOVE and C-GET name entities by unique keys (PS3.4 C.4.2.1.4.1, C.4.3.1.3.1).
    var isRetrieve: Bool { self != .find }

    public var description: String {
        switch self {
        case .find: "C-FIND"
        case .move: "C-MOVE"
        case .get: "C-GET"
        }
    }
}
