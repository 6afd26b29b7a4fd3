import Access
import Foundation
import Synchronization

/// Records every gate decision as one line in `<data>/audit/decisions.log` before it takes
/// effect: who, from where, what, allowed or not, and why. No patient data: principals are user
/// names and AE titles, resources are UIDs. The tamper-evident audit log of the audit issue
/// replaces this file.
public final class DecisionLog: DecisionRecorder {
    private struct State {
        var handle: FileHandle
        var next: UInt64
    }
    private let state: Mutex<State>

    public init(dataDirectory: String) throws {
        let folder = dataDirectory + "/audit"
        try DataFolder.ensure(folder)
        let path = folder + "/decisions.log"
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ServerSetupError("cannot open \(path) for writing: decisions must be recorded before any access")
        }
        let end = try handle.seekToEnd()
        state = Mutex(State(handle: handle, next: end + 1))
    }

    public func record(_ decision: GateDecision) async throws -> DecisionID {
        let resource: String = switch decision.resource {
        case .archive: "archive"
        case let .study(uid): "study \(uid)"
        case let .instance(uid): "instance \(uid)"
        }
        let context = decision.context
        let line = [
            ISO8601DateFormatter().string(from: Date()),
            // An emergency access stands out for the reviewer: grep break-the-glass.
            decision.allowed ? (decision.brokeTheGlass ? "break-the-glass" : "allow") : "deny",
            "\(context.principal)", context.channel.rawValue, context.peerAddress,
            decision.action.rawValue, resource, decision.reason,
        ].map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
            .joined(separator: "\t") + "\n"
        return try state.withLock { state in
            try state.handle.write(contentsOf: Data(line.utf8))
            // The ID is the line's byte offset: unique and increasing across restarts.
            let id = DecisionID(state.next)
            state.next += UInt64(line.utf8.count)
            return id
        }
    }
}
