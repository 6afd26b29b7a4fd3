import Access
import ArgumentParser
import Archive
import RampartServer

struct Study: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restrict studies to an access group (a VIP, a member of staff): only roles that open the group, or an emergency access, reach them.",
        discussion: """
            The archive must not be open in rampart serve (stop it first). A role opens a group with access_groups \
            in policy.yaml; a role with break_the_glass that declares the emergency purpose (ETREAT) reaches every \
            restricted study, and that access is flagged in the audit log.
            """,
        subcommands: [Restrict.self, Unrestrict.self, Restricted.self])

    struct Restrict: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Restrict a study to an access group.")
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: "The Study Instance UID.") var study: String
        @Option(help: "The access group, e.g. vip.") var group: String

        func validate() throws {
            guard !group.isEmpty, group.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw ValidationError("--group may hold only letters, digits, - and _")
            }
        }

        func run() async throws {
            try await restrict(study, to: group, in: data)
        }
    }

    struct Unrestrict: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift a study's restriction.")
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: "The Study Instance UID.") var study: String

        func run() async throws {
            try await restrict(study, to: nil, in: data)
        }
    }

    struct Restricted: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the restricted studies and their groups.")
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let (archive, grant) = try await administering(data)
            do {
                for (uid, group) in try archive.restrictedStudies(grant: grant) { print("\(uid)\t\(group)") }
            } catch {
                standardError("rampart: \(oneLine(error))")
                throw ExitCode(1)
            }
        }
    }
}

private func restrict(_ study: String, to group: String?, in data: DataDirectoryOption) async throws {
    let (archive, grant) = try await administering(data)
    do {
        guard try await archive.restrict(studyInstanceUID: study, to: group, grant: grant) else {
            standardError("rampart: no study \(study) is archived")
            throw ExitCode(1)
        }
        print(group.map { "study \(study) is restricted to group \($0)" } ?? "study \(study) is no longer restricted")
    } catch let exit as ExitCode {
        throw exit
    } catch {
        standardError("rampart: \(oneLine(error))")
        throw ExitCode(1)
    }
}

/// The archive and the local operator's grant to administer it, recorded in the audit log.
private func administering(_ data: DataDirectoryOption) async throws -> (Archive, Grant) {
    do {
        let settings = try data.configurationFile().load().archive
        let (blobs, sealing) = try settings.blobStorage(dataDirectory: data.dataDirectory)
        let archive = try Archive(directory: data.dataDirectory + "/archive", index: settings.indexLocation(dataDirectory: data.dataDirectory),
                                  blobs: blobs, sealing: sealing)
        return (archive, try await localOperatorGrant(.administer, dataDirectory: data.dataDirectory))
    } catch {
        standardError("rampart: \(oneLine(error))")
        throw ExitCode(2)
    }
}
