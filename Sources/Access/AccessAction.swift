/// What a principal asks to do.
public enum AccessAction: String, Sendable, Hashable, CaseIterable {
    /// `associate` opens a session (a DICOM association); `store` to `delete` act on data;
    /// `administer` changes who may do what; `audit` reads the audit log (which names patients,
    /// so it is an action of its own, not part of administering); `monitor` reads the server's
    /// metrics (counts and timings, no patient data), what a Prometheus scraper needs and no more.
    case associate, store, query, retrieve, delete, administer, audit, monitor
}

/// What the action is on: the whole archive, or one patient, study, series or instance.
public enum AccessResource: Sendable, Hashable {
    case archive
    case study(String)
    case instance(String)
}
