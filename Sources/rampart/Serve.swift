import ArgumentParser

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the archive (not built yet).")

    func run() throws {
        let out = standardOutput()
        out.writeLine("""
            rampart serve: the archive and its DICOM and web services are not built yet, so nothing is listening.
            When they are, the embedded default (SQLite index, local folder) will listen on loopback only:
              DICOM  127.0.0.1:11112   (DIMSE; TLS and authentication required beyond loopback)
              HTTPS  127.0.0.1:8443    (DICOMweb, web UI)
            What works today: rampart dump FILE..., rampart json FILE, rampart xml FILE, rampart rewrite IN OUT, rampart version.
            """)
        throw ExitCode(69)  // EX_UNAVAILABLE: the service does not exist yet
    }
}
