import Access
import Logs

/// The access policy of a data folder: `policy.yaml` read with the site's pseudonym key, or the
/// built-in policy when there is no file.
public enum SitePolicy {
    public static func load(dataDirectory: String, file: PolicyFile? = nil) throws(ServerSetupError) -> AccessPolicy {
        let key = try PseudonymKeyFile(dataDirectory: dataDirectory).loadOrCreate()
        return try (file ?? PolicyFile(dataDirectory: dataDirectory)).load(pseudonymKey: key)
    }

    /// The policy, read again at the next decision after the file changes; a changed file that
    /// does not parse leaves the last good policy in force, and the log says why.
    /// Each change is a security event in `audit`.
    public static func source(dataDirectory: String, audit: AuditTrail, log: Log) throws(ServerSetupError) -> ReloadingFile<AccessPolicy> {
        let key = try PseudonymKeyFile(dataDirectory: dataDirectory).loadOrCreate()
        let file = PolicyFile(dataDirectory: dataDirectory)
        return try ReloadingFile(path: file.path, log: log, changed: { problem in
            audit.recordConfigurationChange(of: file.path, problem: problem, log: log)
        }) { () throws(ServerSetupError) in try file.load(pseudonymKey: key) }
    }

    /// Refuses role names the policy does not define, naming the ones it does.
    public static func checkRoles(_ roles: [String], in policy: AccessPolicy) throws(ServerSetupError) {
        if let unknown = roles.first(where: { policy[$0] == nil }) {
            throw ServerSetupError("\(unknown) is not a role of \(policy.source): use one of \(policy.roleNames.joined(separator: ", "))")
        }
    }
}
