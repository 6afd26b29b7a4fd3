/// What a principal asks to do.
public enum AccessAction: String, Sendable, Hashable, CaseIterable {
    /// `associate` opens a session (a DICOM association); the others act on data.
    case associate, store, query, retrieve, delete, administer
}

/// What the action is on: the whole archive, or one patient, study, series or instance.
public enum AccessResource: Sendable, Hashable {
    case archive
    case study(String)
    case instance(String)
}
