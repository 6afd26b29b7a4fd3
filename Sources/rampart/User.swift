import Access
import ArgumentParser
import RampartServer
import Web

struct User: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the user accounts (in accounts.json in the data folder; serve applies a change at the next sign-in).",
        subcommands: [Add.self, List.self, Remove.self, Passwd.self, Disable.self, Enable.self, Role.self, PersonName.self, OneTimeCodes.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user with a generated password, printed once.")
        @OptionGroup var data: DataDirectoryOption
        @Argument var name: String
        @Option(name: .customLong("role"), help: "A role (repeatable), e.g. admin.")
        var roles: [String] = []
        @Option(name: .customLong("person-name"), help: "The user's DICOM person name as studies name their referring physician, e.g. 'Doe^Jane'.")
        var personName: String?

        func run() async throws {
            try await administer(data.dataDirectory) { administrator, grant in
                let issued = try administrator.addUser(NewUser(name: name, roles: roles, personName: personName), grant: grant)
                return "added user \(name)\npassword: \(issued.secret)  (shown only now)"
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users and their roles.")
        @OptionGroup var data: DataDirectoryOption

        func run() throws {
            do {
                for account in try AccountsFile(dataDirectory: data.dataDirectory).load().accounts.values.sorted(by: { $0.name < $1.name }) {
                    print("\(account.name)\t\(account.roles.joined(separator: ","))" + (account.totp != nil ? "\ttotp" : "") + (account.disabled ? "\tdisabled" : ""))
                }
            } catch {
                standardError("rampart: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user.")
        @OptionGroup var data: DataDirectoryOption
        @Argument var name: String

        func run() async throws {
            try await administer(data.dataDirectory) { administrator, grant in
                try administrator.removeUser(name, grant: grant)
                return "removed user \(name)"
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a user a new generated password, printed once.")
        @OptionGroup var data: DataDirectoryOption
        @Argument var name: String

        func run() async throws {
            try await administer(data.dataDirectory) { administrator, grant in
                "new password for \(name): \(try administrator.newPassword(for: name, grant: grant).secret)  (shown only now)"
            }
        }
    }
}

extension User {
    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a user from signing in (the account and its history stay).")
        @OptionGroup var data: DataDirectoryOption
        @Argument var name: String

        func run() async throws {
            try await administer(data.dataDirectory) { administrator, grant in
                _ = try administrator.changeUser(name, UserChange(disabled: true), grant: grant)
                return "disabled user \(name)"
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a disabled user sign in again.")
        @OptionGroup var data: DataDirectoryOption
        @Argument var name: String

        func run() async throws {
            try await administer(data.dataDirectory) { administrator, grant in
                _ = try administrator.changeUser(name, UserChange(disabled: false), grant: grant)
                return "enabled user \(name)"
            }
        }
    }

    struct Role: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's roles (replacing the ones it had).")
        @OptionGroup var data: DataDirectoryOption
        @Argument var name: String
        @Argument(help: "The roles, e.g. radiologist.")
        var roles: [String]

        func run() async throws {
            try await administer(data.dataDirectory) { administrator, grant in
                _ = try administrator.changeUser(name, UserChange(roles: roles), grant: grant)
                return "\(name) now has the roles: \(roles.joined(separator: ", "))"
            }
        }
    }
}

extension User {
    struct PersonName: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "person-name",
            abstract: "Set a user's DICOM person name (Family^Given), or remove it with --clear.",
            discussion: """
                A policy role with studies: {referring_physician: self} reaches the studies whose Referring Physician's \
                Name (0008,0090) is this name, as written in the studies (trailing empty components aside).
                """)
        @OptionGroup var data: DataDirectoryOption
        @Argument var name: String
        @Argument(help: "The person name, e.g. 'Doe^Jane'.")
        var personName: String?
        @Flag(help: "Remove the user's person name.")
        var clear = false

        func validate() throws {
            guard (personName == nil) == clear else { throw ValidationError("give a person name, or --clear") }
        }

        func run() async throws {
            try await administer(data.dataDirectory) { administrator, grant in
                // An empty person name removes it (UserChange's convention).
                _ = try administrator.changeUser(name, UserChange(personName: personName ?? ""), grant: grant)
                return personName == nil ? "\(name) has no person name now" : "\(name) now has the person name \(personName ?? "")"
            }
        }
    }

    struct OneTimeCodes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "totp",
            abstract: "Turn a user's second factor (time-based one-time codes, RFC 6238) on or off.",
            discussion: """
                enable prints an otpauth:// URI once: add it to an authenticator app (as a QR code, e.g. qrencode, or \
                by its secret). From then on the user signs in with the password followed by the app's 6-digit code \
                as one passcode, and is authenticated by "mfa", which a policy can require (authentication: [mfa]).
                """,
            subcommands: [Enable.self, Disable.self])

        struct Enable: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Give a user a new one-time code secret; prints its otpauth:// URI once.")
            @OptionGroup var data: DataDirectoryOption
            @Argument var name: String

            func run() throws {
                try change(AccountsFile(dataDirectory: data.dataDirectory), in: data.dataDirectory, account: "user \(name)", recording: "turned on one-time codes for user \(name)") { users in
                    let totp = TOTP.generate()
                    try users.setTOTP(totp, for: name)
                    return "one-time codes on for \(name); add this to the user's authenticator app (shown only now):\n"
                        + totp.provisioningURI(account: name, issuer: "Rampart")
                }
            }
        }

        struct Disable: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Turn a user's one-time codes off: the password alone signs in again.")
            @OptionGroup var data: DataDirectoryOption
            @Argument var name: String

            func run() throws {
                try change(AccountsFile(dataDirectory: data.dataDirectory), in: data.dataDirectory, account: "user \(name)", recording: "turned off one-time codes for user \(name)") { users in
                    try users.setTOTP(nil, for: name)
                    return "one-time codes off for \(name)"
                }
            }
        }
    }
}
