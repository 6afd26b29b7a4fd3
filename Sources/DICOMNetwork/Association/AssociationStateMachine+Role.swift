extension AssociationStateMachine {
    /// Which side of the association this machine plays; it decides the release-collision
    /// states (PS3.8 9.2.2, AR-8).
    public enum Role: Sendable, Hashable {
        /// The side that issued the A-ASSOCIATE request (Evt1).
        case requestor
        /// The side that accepted the transport connection (Evt5).
        case acceptor
    }
}
