import Access
import ArgumentParser
import RampartServer

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set up a data folder: rampart.yaml, a local CA and server certificate for DICOM TLS, and the first admin account.",
        discussion: "The admin password is generated and printed once; it is stored only as a scrypt hash. Refuses a folder that is already set up.")

    @OptionGroup var data: DataDirectoryOption

    @Option(name: .customLong("admin"), help: "Name of the first admin account.")
    var adminName = "admin"

    @Option(name: .customLong("server-name"), help: "A DNS name or IP address peers reach this server by, for its certificate (repeatable; localhost, 127.0.0.1, ::1 and the host name are always in).")
    var serverNames: [String] = []

    @Flag(help: "Succeed quietly when the folder is already set up (for scripts such as make run).")
    var ifNeeded = false

    func run() throws {
        let initializer = SiteInitializer(dataDirectory: data.dataDirectory)
        if ifNeeded && initializer.isInitialized { return }
        do {
            try UserAccount.validate(name: adminName)
            let result = try initializer.run(adminName: adminName, serverNames: serverNames)
            let out = standardOutput()
            out.writeLine("rampart init: \(data.dataDirectory) is ready")
            out.writeLine("  configuration  \(result.configurationPath)")
            out.writeLine("  local CA       \(result.caCertificatePath)  (give it to peers that connect over DICOM TLS)")
            out.writeLine("  server cert    \(result.serverCertificatePath)  for \(result.serverNames.joined(separator: ", "))")
            out.writeLine("")
            out.writeLine("  first admin account: \(result.adminName)")
            out.writeLine("  password:            \(result.adminPassword)")
            out.writeLine("  This password is shown only now. Keep it in your password manager;")
            out.writeLine("  rampart user passwd \(result.adminName) makes a new one.")
        } catch {
            standardError("rampart: \(error)")
            throw ExitCode(1)
        }
    }
}
