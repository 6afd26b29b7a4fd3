import NIOCore
import Synchronization

/// One `AssociationLimiter` for the tasks that accept associations, on the system's clock. Give
/// the same one to several servers (a plain and a TLS listener) to make their limits one.
public final class SharedAssociationLimiter: Sendable {
    private let limiter: Mutex<AssociationLimiter>

    public init(_ limits: AssociationLimits = AssociationLimits()) {
        limiter = Mutex(AssociationLimiter(limits: limits))
    }

    public var limits: AssociationLimits { limiter.withLock { $0.limits } }

    /// Changes the limits while the servers run (`AssociationLimiter.change(to:)`).
    public func change(to limits: AssociationLimits) {
        limiter.withLock { $0.change(to: limits) }
    }

    func admit(host: String) -> AssociationLimiter.Refusal? {
        limiter.withLock { $0.admit(host: host, now: .now()) }
    }

    func ended(host: String) {
        limiter.withLock { $0.ended(host: host) }
    }
}
