import NIOCore

/// How a scan probes: which ports and AE titles, how hard and how fast.
public struct ScanOptions: Sendable {
    /// DICOM's registered and common ports, then the web front ends'.
    public static let defaultPorts = [104, 11112, 4242, 2761, 2762, 80, 443, 8042, 8080, 8443]
    /// Called AE titles that archives accept out of the box, and that scanners in the field try.
    public static let defaultCalledAETitles = ["ANY-SCP", "ANY", "ORTHANC", "DCM4CHEE", "DCMQRSCP", "STORESCP"]

    public var ports = ScanOptions.defaultPorts
    public var calledAETitles = ScanOptions.defaultCalledAETitles
    /// An AE title no archive has registered.
    public var callingAETitle = "RAMPART-SCAN"
    /// Endpoints probed at once.
    public var concurrency = 64
    /// New connections per second, over the whole scan.
    public var connectionsPerSecond = 200.0
    public var connectTimeout = TimeAmount.seconds(3)
    /// Bounds each exchange after connecting: a handshake, an HTTP response, a DICOM answer.
    public var readTimeout = TimeAmount.seconds(5)
    /// C-FIND answers counted before the scanner stops reading (the count is then "at least").
    public var maximumQueryAnswers = 10_000
    /// Web response bytes examined per request.
    public var maximumBodyBytes = 512 * 1024
    /// Probes that change or log in to the target: a C-STORE of a synthetic test object where a
    /// Storage context is accepted, and the products' default web credentials. Off unless the
    /// operator asks (`rampart scan --intrusive`).
    public var intrusive = false
    /// Web user names and passwords that products ship with or their guides show, tried with
    /// `intrusive` where a page asks for credentials.
    public static let defaultWebCredentials = [("orthanc", "orthanc"), ("alice", "alicePassword"), ("admin", "admin")]

    public init() {}
}
