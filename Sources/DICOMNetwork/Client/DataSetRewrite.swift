import DICOM

/// A change made to each data set before it is sent: the requester's view of the data, which
/// the service provider's access control chooses (this target knows nothing of who may see what).
public struct DataSetRewrite: Sendable {
    public let apply: @Sendable (DataSet) -> DataSet

    public init(_ apply: @escaping @Sendable (DataSet) -> DataSet) {
        self.apply = apply
    }
}
