import Deidentify
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The re-identification lookup file of `rampart deidentify --lookup`, open for appending: one
/// sealed record per line, created readable by its owner only. Each line goes out in one write()
/// on an O_APPEND descriptor, so a line is never interleaved with another run's, or another
/// task's: nothing else of it changes after it opens, so tasks may share it.
final class LookupFileWriter: Sendable {
    enum Failure: Error, CustomStringConvertible {
        case cannotOpen(String, errno: Int32)
        case cannotWrite(String, errno: Int32)

        var description: String {
            switch self {
            case .cannotOpen(let path, let code):
                "cannot open the lookup file \(path) to append to it: \(String(cString: strerror(code)))"
            case .cannotWrite(let path, let code):
                "cannot append to the lookup file \(path): \(String(cString: strerror(code))); the copies "
                    + "written from here on have no lookup record: free the space or fix the permission, "
                    + "and de-identify them again"
            }
        }
    }

    let path: String
    private let lookup: ReidentificationLookup
    private let descriptor: Int32

    init(path: String, key: ProjectKey) throws {
        self.path = path
        lookup = ReidentificationLookup(projectKey: key)
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure.cannotOpen(path, errno: errno) }
    }

    deinit { close(descriptor) }

    func append(_ record: ReidentificationRecord) throws {
        let bytes = Array((try lookup.seal(record) + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            throw Failure.cannotWrite(path, errno: errno)
        }
    }

    /// Makes the appended lines durable, like the copies they describe.
    func synchronize() throws {
        guard fsync(descriptor) == 0 else { throw Failure.cannotWrite(path, errno: errno) }
    }
}
