import Access
import ArgumentParser
import DICOMNetwork
import RampartServer
#if canImport(Glibc)
import Glibc
#endif

/// Where the archive's data lives; every command that works on an archive takes it.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The archive's data folder (env RAMPART_DATA_DIR).")
    var dataDirectory: String = environment("RAMPART_DATA_DIR") ?? "./data"
}

func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the archive: DICOM (C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET) on loopback, for registered AEs.")

    @OptionGroup var data: DataDirectoryOption

    @Option(name: .customLong("dicom-port"), help: "DICOM port (env RAMPART_DICOM_PORT).")
    var dicomPort: Int = environment("RAMPART_DICOM_PORT").flatMap { Int($0) } ?? 11112

    @Option(help: "Address to listen on (env RAMPART_LISTEN). Only loopback is allowed until TLS can be configured.")
    var listen: String = environment("RAMPART_LISTEN") ?? "127.0.0.1"

    @Option(name: .customLong("ae"), help: "The server's AE title.")
    var aeTitle = "RAMPART"

    func run() async throws {
        let log = FileLog.standardError
        let service: RampartDICOMService
        do {
            service = try RampartDICOMService(
                .init(dataDirectory: data.dataDirectory, listen: listen, port: dicomPort, aeTitle: try AETitle(aeTitle)),
                log: { log.write($0) })
        } catch {
            standardError("rampart: \(error)")
            throw ExitCode(78)  // EX_CONFIG
        }
        let recovery = service.archive.recoveryReport
        if !recovery.isClean {
            standardError("rampart: recovery: removed \(recovery.removedOrphans.count) unindexed blobs and \(recovery.removedTemporaryFiles.count) temporary files; \(recovery.missingBlobs.count) indexed instances have no blob")
        }
        let registered = service.registry.entries.keys.sorted()
        let listen = self.listen, title = aeTitle, folder = data.dataDirectory
        try await service.run { address in
            let out = standardOutput()
            out.writeLine("rampart serve: data in \(folder)")
            out.writeLine("  DICOM  \(listen):\(address.port ?? 0)  AE \(title)")
            out.writeLine(registered.isEmpty
                ? "  no AE registered yet: every association is refused. Register one: rampart ae add TITLE --host 127.0.0.1 --port 104"
                : "  registered AEs: \(registered.joined(separator: ", "))")
            out.writeLine("  (DICOMweb, the web UI, user accounts and TLS are not built yet)")
        }
    }
}

struct AE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ae",
        abstract: "Register the application entities (modalities, workstations) allowed to associate.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an AE: it may associate from this host, and is a C-MOVE destination at host:port.")
        @OptionGroup var data: DataDirectoryOption
        @Argument var title: String
        @Option var host: String
        @Option var port: Int

        func run() throws {
            let file = AERegistryFile(dataDirectory: data.dataDirectory)
            do {
                try DataFolder.ensure(data.dataDirectory)
                var registry = try file.load()
                registry.add(.init(title: try AETitle(title).value, host: host, port: port))
                try file.save(registry)
                print("registered \(title) at \(host):\(port)")
            } catch {
                standardError("rampart: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered AEs.")
        @OptionGroup var data: DataDirectoryOption

        func run() throws {
            do {
                for entry in try AERegistryFile(dataDirectory: data.dataDirectory).load().entries.values.sorted(by: { $0.title < $1.title }) {
                    print("\(entry.title)\t\(entry.host)\t\(entry.port)")
                }
            } catch {
                standardError("rampart: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a registered AE.")
        @OptionGroup var data: DataDirectoryOption
        @Argument var title: String

        func run() throws {
            let file = AERegistryFile(dataDirectory: data.dataDirectory)
            do {
                var registry = try file.load()
                guard registry.remove(title) != nil else {
                    standardError("rampart: \(title) is not registered")
                    throw ExitCode(1)
                }
                try file.save(registry)
                print("removed \(title)")
            } catch let exit as ExitCode {
                throw exit
            } catch {
                standardError("rampart: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
