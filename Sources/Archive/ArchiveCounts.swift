/// How many entities the index holds.
public struct ArchiveCounts: Sendable, Hashable {
    public var patients: Int
    public var studies: Int
    public var series: Int
    public var instances: Int

    public init(patients: Int, studies: Int, series: Int, instances: Int) {
        self.patients = patients
        self.studies = studies
        self.series = series
        self.instances = instances
    }
}
