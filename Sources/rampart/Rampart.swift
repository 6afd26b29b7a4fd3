import ArgumentParser
import DICOM
import RampartServer

@main
struct Rampart: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rampart",
        abstract: "A medical image archive that is secure by default.",
        subcommands: [Dump.self, JSON.self, XML.self, Rewrite.self, Version.self, Serve.self]
    )
}
