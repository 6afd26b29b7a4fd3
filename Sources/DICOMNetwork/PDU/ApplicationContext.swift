/// The application context item (10H) of A-ASSOCIATE-RQ and -AC PDUs (PS3.8 9.3.2.1, 9.3.3.1).
public struct ApplicationContext: Sendable, Hashable {
    /// The application context name, a UID (PS3.7 Annex A.2.1).
    public var name: String

    /// The DICOM application context, 1.2.840.10008.3.1.1.1, the only one PS3.7 defines.
    public static let dicom = ApplicationContext(name: "1.2.840.10008.3.1.1.1")

    public init(name: String) {
        self.name = name
    }
}
