extension AsynchronousOperationsWindow {
    /// The window when none is negotiated: one outstanding operation each way (PS3.7 D.3.3.3).
    static let synchronous = AsynchronousOperationsWindow(maximumOperationsInvoked: 1, maximumOperationsPerformed: 1)

    /// The smaller of two limits where 0 means unlimited (PS3.7 D.3.3.3).
    static func tighter(_ a: UInt16, _ b: UInt16) -> UInt16 {
        a == 0 ? b : b == 0 ? a : Swift.min(a, b)
    }

    /// The acceptor's answer to this proposed window (PS3.7 D.3.3.3). Both fields of the
    /// answer speak of the requestor: how many operations the acceptor lets it invoke, at most
    /// what it offered and what the acceptor performs, and how many it lets it perform, at most
    /// what it offered and what the acceptor invokes. dcm4che crosses the fields the same way.
    func answered(acceptorPerforms performed: UInt16, acceptorInvokes invoked: UInt16) -> AsynchronousOperationsWindow {
        AsynchronousOperationsWindow(
            maximumOperationsInvoked: Self.tighter(maximumOperationsInvoked, performed),
            maximumOperationsPerformed: Self.tighter(maximumOperationsPerformed, invoked)
        )
    }

    /// This proposed window narrowed by the acceptor's answer, field by field. The answer may
    /// not exceed the proposal (PS3.7 D.3.3.3), so a larger value is read as the proposal's.
    func narrowed(by answer: AsynchronousOperationsWindow) -> AsynchronousOperationsWindow {
        AsynchronousOperationsWindow(
            maximumOperationsInvoked: Self.tighter(maximumOperationsInvoked, answer.maximumOperationsInvoked),
            maximumOperationsPerformed: Self.tighter(maximumOperationsPerformed, answer.maximumOperationsPerformed)
        )
    }
}
