import ArgumentParser
import DICOM
import RampartServer

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")

    func run() {
        print("rampart \(RampartServer.version)")
        print("implementation class UID \(DICOMFile.implementationClassUID)")
    }
}
