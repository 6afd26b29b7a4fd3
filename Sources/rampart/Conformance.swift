import ArgumentParser
import RampartServer

struct Conformance: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the DICOM Conformance Statement (PS3.2) of this build, in Markdown.",
        discussion: "Written from the server's own tables; docs/conformance.md is this output.")

    func run() {
        print(ConformanceStatement.markdown(), terminator: "")
    }
}
