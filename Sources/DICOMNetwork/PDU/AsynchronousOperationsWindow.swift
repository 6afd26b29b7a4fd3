/// The asynchronous operations window sub-item (53H) of the user information item
/// (PS3.7 D.3.3.3). Zero in either field means unlimited.
public struct AsynchronousOperationsWindow: Sendable, Hashable {
    public var maximumOperationsInvoked: UInt16
    public var maximumOperationsPerformed: UInt16

    public init(maximumOperationsInvoked: UInt16, maximumOperationsPerformed: UInt16) {
        self.maximumOperationsInvoked = maximumOperationsInvoked
        self.maximumOperationsPerformed = maximumOperationsPerformed
    }
}
