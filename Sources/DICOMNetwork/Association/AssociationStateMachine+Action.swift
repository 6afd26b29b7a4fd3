extension AssociationStateMachine {
    /// What the owner of the transport must do after an event, in order.
    public enum Action: Sendable, Hashable {
        /// Issue a TRANSPORT CONNECT request (AE-1); report `transportConnected` or
        /// `transportClosed`.
        case openTransport
        /// Send this PDU on the transport connection.
        case send(PDU)
        /// Start the ARTIM timer, or restart it if it is running (PS3.8 9.2.2, AA-1); report
        /// `artimExpired` when it fires.
        case startARTIM
        /// Stop the ARTIM timer.
        case stopARTIM
        /// Close the transport connection, after anything sent before it has been written.
        case closeTransport
        /// Tell the local user.
        case indicate(Indication)
    }
}
