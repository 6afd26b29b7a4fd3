import Access
import ArgumentParser
import Foundation
import RampartServer

struct Policy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read the access policy (policy.yaml in the data folder) and explain its decisions.",
        subcommands: [Check.self, Show.self, Validate.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain what the gate decides for one access, role by role, without granting or recording anything.",
            discussion: """
                Exit status 0 when the access would be allowed, 1 when denied, 78 when the policy or a file of \
                the data folder cannot be read. Example: rampart policy check --user alice --action retrieve \
                --from 10.20.1.7 --auth token --purpose ETREAT. For a store, --institution and \
                --referring-physician give the object's data that study conditions read.
                """)
        @OptionGroup var data: DataDirectoryOption

        @Option(help: "A user of accounts.json (its roles and whether it is disabled are read from there).")
        var user: String?
        @Option(help: "A registered AE title (its roles and host are read from the AE registry).")
        var ae: String?
        @Option(help: "A service account (its roles and scope are read from services.json).")
        var service: String?
        @Option(name: .customLong("role"), help: "Decide for these roles instead of the account's (repeatable): a user of an external identity provider, say.")
        var roles: [String] = []
        @Option(help: "store, query, retrieve, delete, administer or associate.")
        var action: String
        @Option(help: "dimse, dicomweb, rest, ui or cli.")
        var channel: String = "dimse"
        @Option(help: "The peer's address (default: the AE's registered host, or 127.0.0.1).")
        var from: String?
        @Option(help: "How the principal is authenticated: registered-ae, password, api-key, token, certificate or mfa (default: password for a user, api-key for a service, registered-ae for an AE, certificate for an AE with --certificate-sha256).")
        var auth: String?
        @Option(help: "The declared purpose of use, e.g. TREAT or ETREAT.")
        var purpose: String?
        @Option(name: .customLong("certificate-sha256"), help: "The SHA-256 of the client certificate the peer presents.")
        var certificate: String?
        @Option(help: "When, as 2026-11-24T22:30:00Z or with an offset (default: now).")
        var at: String?
        @Option(name: .customLong("person-name"), help: "The principal's DICOM person name, Family^Given (default: the user account's).")
        var personName: String?
        @Option(help: "For --action store: the object's Institution Name (0008,0080), which study conditions read.")
        var institution: String?
        @Option(name: .customLong("referring-physician"), help: "For --action store: the object's Referring Physician's Name (0008,0090).")
        var referringPhysician: String?

        func validate() throws {
            do {
                _ = try question
            } catch {
                throw ValidationError(error.description)
            }
        }

        /// The options as the question `PolicyCheck` answers, read as the REST API reads its request.
        private var question: PolicyQuestion {
            get throws(PolicyQuestionError) {
                try PolicyQuestion(user: user, ae: ae, service: service, roles: roles, action: action, channel: channel, from: from,
                                   authentication: auth, purposeOfUse: purpose, certificateSHA256: certificate, at: at, personName: personName,
                                   institution: institution, referringPhysician: referringPhysician)
            }
        }

        func run() throws {
            let check: PolicyCheck
            do {
                check = try PolicyCheck(try question, dataDirectory: data.dataDirectory)
            } catch let error as PolicyQuestionError {
                throw ValidationError(error.description)
            } catch {
                standardError("rampart: \(oneLine(error))")
                throw ExitCode(78)
            }
            let (context, explanation) = (check.context, check.explanation)
            let out = standardOutput()
            out.writeLine("\(explanation.allowed ? "ALLOWED" : "DENIED"): \(context.principal) \(action) via \(channel) from \(Gate.host(of: context.peerAddress))")
            out.writeLine("  policy: \(check.policySource), at \(check.moment)")
            for note in check.notes { out.writeLine("  note: \(note)") }
            for verdict in explanation.roles {
                out.writeLine("  role \(verdict.role) \(verdict.why)")
            }
            out.writeLine("  why: \(explanation.reason)")
            if explanation.allowed {
                out.writeLine("  view: \(explanation.view.name)\(explanation.view.isFull ? "" : " (\(explanation.view.removed.count + explanation.view.removedPatterns.count) attributes or families removed, \(explanation.view.replaced.count + explanation.view.replacedPatterns.count) replaced\(explanation.view.removesPrivateAttributes ? ", private attributes removed" : ""))")")
                out.writeLine("  studies: \(explanation.studies)")
                if explanation.brokeTheGlass { out.writeLine("  BREAK-THE-GLASS: this access is flagged for review") }
            }
            guard explanation.allowed else { throw ExitCode(1) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the policy in force: each role, what it allows, under which conditions, through which view.")
        @OptionGroup var data: DataDirectoryOption

        func run() throws {
            let policy: AccessPolicy
            do {
                policy = try SitePolicy.load(dataDirectory: data.dataDirectory)
            } catch {
                standardError("rampart: \(oneLine(error))")
                throw ExitCode(78)
            }
            let out = standardOutput()
            out.writeLine("# \(policy.source)")
            out.writeLine("time_zone: \(policy.timeZone.identifier)")
            out.writeLine("emergency_purpose: \(policy.emergencyPurpose)")
            out.writeLine("roles:")
            for name in policy.roleNames {
                guard let role = policy[name] else { continue }
                out.writeLine("  \(name):")
                out.writeLine("    allow: [\(AccessAction.allCases.filter(role.actions.contains).map(\.rawValue).joined(separator: ", "))]")
                out.writeLine("    view: \(role.view.name)")
                if !role.conditions.isEmpty { out.writeLine("    # when: \(role.conditions.map(\.description).joined(separator: ", "))") }
                if !role.studies.isEmpty { out.writeLine("    # studies: only those \(role.studies.map(\.description).joined(separator: " and "))") }
                if !role.accessGroups.isEmpty { out.writeLine("    access_groups: [\(role.accessGroups.sorted().joined(separator: ", "))]") }
                if role.mayBreakTheGlass { out.writeLine("    break_the_glass: true") }
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a policy file before putting it in place: exit 0 when it reads, 78 with the line of the first error.")
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: "The file (default: policy.yaml in the data folder).")
        var file: String?

        func run() throws {
            let path = file ?? PolicyFile(dataDirectory: data.dataDirectory).path
            do {
                guard FileManager.default.fileExists(atPath: path) else { throw ServerSetupError("\(path) does not exist") }
                let policy = try SitePolicy.load(dataDirectory: data.dataDirectory, file: PolicyFile(path: path))
                print("\(path): \(policy.roleNames.count) roles (\(policy.roleNames.joined(separator: ", ")))")
            } catch {
                standardError("rampart: \(oneLine(error))")
                throw ExitCode(78)
            }
        }
    }
}
