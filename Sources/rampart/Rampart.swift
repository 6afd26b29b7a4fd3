import ArgumentParser
import DICOM

@main
struct Rampart: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rampart",
        abstract: "A medical image archive that is secure by default.",
        subcommands: []
    )
}
