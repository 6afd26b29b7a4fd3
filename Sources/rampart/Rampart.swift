import ArgumentParser
import DICOM
import RampartServer

@main
struct Rampart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rampart",
        abstract: "A medical image archive that is secure by default.",
        subcommands: [Dump.self, JSON.self, XML.self, Rewrite.self, Transcode.self, Echo.self, Store.self, Find.self, Move.self, Get.self, AE.self, User.self, Service.self, Token.self, Policy.self, Study.self, AuditCommand.self, Init.self, Version.self, Conformance.self, Serve.self, Import.self, DeidentifyCommand.self, ReidentifyCommand.self, Backup.self, Restore.self, Scan.self, ObjectStoreCommand.self, IndexCommand.self, Migrate.self]
    )
}
