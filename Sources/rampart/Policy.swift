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
            guard [user, ae, service].compactMap({ $0 }).count == 1 else { throw ValidationError("name exactly one of --user, --ae and --service") }
            guard AccessAction(rawValue: action) != nil else { throw ValidationError("--action must be one of \(AccessAction.allCases.map(\.rawValue).joined(separator: ", "))") }
            guard AccessChannel(rawValue: channel) != nil else {
                throw ValidationError("--channel must be one of \(AccessChannel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let auth, Self.strengths[auth] == nil { throw ValidationError("--auth must be one of \(Self.strengths.keys.sorted().joined(separator: ", "))") }
            if let at, Self.date(at) == nil { throw ValidationError("--at \(at) is not an ISO 8601 date and time with a zone, as 2026-11-24T22:30:00Z") }
        }

        private static let strengths = AuthenticationStrength.byPolicyName

        private static func date(_ text: String) -> Date? {
            let formatter = ISO8601DateFormatter()
            return formatter.date(from: text)
        }

        func run() throws {
            let folder = data.dataDirectory
            let policy: AccessPolicy, registry: AERegistry, users: UserDirectory, services: ServiceDirectory
            do {
                policy = try SitePolicy.load(dataDirectory: folder)
                registry = try AERegistryFile(dataDirectory: folder).load()
                users = try AccountsFile(dataDirectory: folder).load()
                services = try ServiceAccountsFile(dataDirectory: folder).load()
            } catch {
                standardError("rampart: \(oneLine(error))")
                throw ExitCode(78)
            }
            var notes: [String] = []
            var context: AccessContext
            if let user {
                let account = users[user]
                if account == nil && roles.isEmpty { notes.append("\(user) is not in accounts.json: it would have no role (give --role to decide for an external user)") }
                context = AccessContext(principal: .user(user), roles: roles.isEmpty ? account?.roles ?? [] : roles,
                                        channel: AccessChannel(rawValue: channel)!, peerAddress: from ?? "127.0.0.1",
                                        authentication: auth.flatMap { Self.strengths[$0] } ?? .password)
                if account?.disabled == true {
                    context.authenticationFailure = "the account of user \(user) is disabled"
                }
                context.personName = account?.personName
            } else if let service {
                let account = services[service]
                if account == nil && roles.isEmpty { notes.append("\(service) is not in services.json: it would have no role") }
                context = AccessContext(principal: .service(service), roles: roles.isEmpty ? account?.roles ?? [] : roles,
                                        channel: AccessChannel(rawValue: channel)!, peerAddress: from ?? "127.0.0.1",
                                        authentication: auth.flatMap { Self.strengths[$0] } ?? .apiKey, scope: account?.scope)
                if account?.revoked == true {
                    context.authenticationFailure = "the API key of service \(service) is revoked"
                }
            } else {
                let title = ae ?? ""
                let entry = registry[title]
                if entry == nil { notes.append("\(title) is not in the AE registry (rampart ae list)") }
                context = AccessContext(principal: .applicationEntity(title), roles: roles, channel: AccessChannel(rawValue: channel)!,
                                        peerAddress: from ?? entry?.host ?? "127.0.0.1", callingAETitle: title,
                                        authentication: auth.flatMap { Self.strengths[$0] } ?? (certificate == nil ? .registeredAE : .certificate))
            }
            context.purposeOfUse = purpose
            context.certificateFingerprint = certificate?.lowercased()
            if let personName { context.personName = personName }
            var subjects = AccessSubjects.none
            if institution != nil || referringPhysician != nil {
                subjects.object = StudyAttributes(institutionName: institution, referringPhysicianName: referringPhysician)
            }
            // A simulation: nothing is granted, so nothing needs recording.
            let gate = Gate(registry: registry, policy: policy, recorder: MemoryDecisionRecorder())
            let when = at.flatMap(Self.date)
            let explanation = gate.explain(context, AccessAction(rawValue: action)!, at: when, concerning: subjects)
            let out = standardOutput()
            out.writeLine("\(explanation.allowed ? "ALLOWED" : "DENIED"): \(context.principal) \(action) via \(channel) from \(Gate.host(of: context.peerAddress))")
            out.writeLine("  policy: \(policy.source), at \(gate.clock.moment(at: when, in: policy.timeZone))")
            for note in notes { out.writeLine("  note: \(note)") }
            for verdict in explanation.roles {
                out.writeLine("  role \(verdict.role) \(verdict.why)")
            }
            out.writeLine("  why: \(explanation.reason)")
            if explanation.allowed {
                out.writeLine("  view: \(explanation.view.name)\(explanation.view.isFull ? "" : " (\(explanation.view.removed.count) attributes removed, \(explanation.view.replaced.count) replaced\(explanation.view.removesPrivateAttributes ? ", private attributes removed" : ""))")")
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
