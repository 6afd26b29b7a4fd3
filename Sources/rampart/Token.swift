import Access
import ArgumentParser
import Foundation
import RampartServer

struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue short-lived access tokens (an admin's command on the server's data folder).",
        subcommands: [Issue.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a bearer token (ES256 JWT) for an existing user.",
            discussion: """
                The token alone goes to standard output, for RAMPART_TOKEN or --token; when it expires goes to \
                standard error. It is signed with tls/token-signing-key.pem, which rampart init creates; a data \
                folder set up before tokens existed gets the key now (restart serve so it loads it).
                """)

        @OptionGroup var data: DataDirectoryOption

        @Option(help: "The user the token authenticates (rampart user list shows them).")
        var user: String

        @Option(help: "How long the token is valid: e.g. 90s, 15m, 1h, 1h30m; at most 24h.")
        var ttl: TokenLifetime = TokenLifetime(seconds: 3600)

        @Option(help: "The purpose of use the token declares (an HL7 PurposeOfUse code, e.g. TREAT; the policy's emergency purpose, ETREAT by default, breaks the glass).")
        var purpose: String?

        func run() async throws {
            do {
                guard let account = try AccountsFile(dataDirectory: data.dataDirectory).load()[user] else {
                    throw AccountError.unknown(user)
                }
                let keyFile = TokenSigningKeyFile(dataDirectory: data.dataDirectory)
                let (key, created) = try keyFile.loadOrCreate()
                if created {
                    standardError("rampart: created the token signing key \(keyFile.path); restart rampart serve so it accepts tokens")
                }
                let issued = try await TokenIssuer(key: key).issue(for: account, lifetime: ttl.seconds, purposeOfUse: purpose)
                print(issued.token)
                let expiry = Date(timeIntervalSince1970: TimeInterval(issued.claims.expires))
                standardError("token for \(account.name) (id \(issued.claims.id))\(purpose.map { ", purpose of use \($0)," } ?? "") expires \(expiry.ISO8601Format())")
            } catch {
                standardError("rampart: \(oneLine(error))")
                throw ExitCode(1)
            }
        }
    }
}

/// A token's life as given on the command line: whole hours, minutes and seconds, e.g. `1h30m`.
/// The bound (24 h) is the issuer's; this only reads the text.
struct TokenLifetime: ExpressibleByArgument {
    let seconds: Int64

    init(seconds: Int64) {
        self.seconds = seconds
    }

    init?(argument: String) {
        var total: Int64 = 0
        var digits = ""
        for character in argument {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            let unit: Int64
            switch character {
            case "h": unit = 3600
            case "m": unit = 60
            case "s": unit = 1
            default: return nil
            }
            // Bounded before multiplying so a huge value is an out-of-range lifetime, not an overflow.
            guard let value = Int64(digits), value <= 1_000_000 else { return nil }
            total += value * unit
            digits = ""
        }
        if !digits.isEmpty {
            guard let value = Int64(digits), value <= 1_000_000_000 else { return nil }
            total += value
        }
        guard !argument.isEmpty else { return nil }
        seconds = total
    }

    var defaultValueDescription: String { "1h" }
}
