import Access
import ArgumentParser
import RampartServer
import Web

struct Service: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "Manage service accounts: API keys for automation, scoped and revocable (services.json in the data folder).",
        discussion: """
            A service signs in over DICOM with user identity type 2: the service name as the user name, the API key \
            as the passcode. serve reads services.json again when it changes: a revoked key is refused at the next \
            association and the next operation, without a restart.
            """,
        subcommands: [Add.self, List.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a service account and print its API key, once (the server keeps only its SHA-256).")
        @OptionGroup var data: DataDirectoryOption
        @Argument var name: String
        @Option(name: .customLong("role"), help: "A role the service acts with (repeatable), e.g. modality.")
        var roles: [String]
        @Option(help: "The actions the key may be used for at most, comma-separated (\(scopeActions.joined(separator: ","))); default: what its roles allow.")
        var scope: String?

        static let scopeActions = AccessAction.allCases.filter { $0 != .associate }.map(\.rawValue)

        func run() async throws {
            try await administer(data.dataDirectory) { administrator, grant in
                let scope = scope.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                let issued = try administrator.addService(NewService(name: name, roles: roles, scope: scope), grant: grant)
                return "added service \(name)\nAPI key: \(issued.secret)  (shown only now; the server keeps only its SHA-256)"
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the service accounts, their roles and scopes (never a key).")
        @OptionGroup var data: DataDirectoryOption

        func run() throws {
            do {
                for account in try ServiceAccountsFile(dataDirectory: data.dataDirectory).load().accounts.values.sorted(by: { $0.name < $1.name }) {
                    let scope = account.scope.map { scope in AccessAction.allCases.filter(scope.contains).map(\.rawValue).joined(separator: ",") } ?? "roles"
                    print("\(account.name)\t\(account.roles.joined(separator: ","))\tscope \(scope)" + (account.revoked ? "\trevoked" : ""))
                }
            } catch {
                standardError("rampart: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a service's API key: refused from the next association or operation on.")
        @OptionGroup var data: DataDirectoryOption
        @Argument var name: String

        func run() async throws {
            try await administer(data.dataDirectory) { administrator, grant in
                _ = try administrator.revokeService(name, grant: grant)
                return "revoked the API key of service \(name)"
            }
        }
    }
}
