import Synchronization

/// The inspection an association's task fills in while the probe waits on it.
final class InspectionBox: Sendable {
    private let state: Mutex<(AssociationInspection, accepted: Bool)>

    init(_ inspection: AssociationInspection) {
        state = Mutex((inspection, false))
    }

    /// Records a step; the first one also records that the association was accepted.
    func update(_ change: (inout AssociationInspection) -> Void) {
        state.withLock { state in
            change(&state.0)
            state.accepted = true
        }
    }

    var accepted: Bool { state.withLock { $0.accepted } }
    var value: AssociationInspection { state.withLock { $0.0 } }
}
