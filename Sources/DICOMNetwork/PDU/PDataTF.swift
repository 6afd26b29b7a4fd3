/// A P-DATA-TF PDU, type 04H (PS3.8 9.3.5, Table 9-22): one or more presentation data values.
public struct PDataTF: Sendable, Hashable {
    public var values: [PresentationDataValue]

    public init(values: [PresentationDataValue]) {
        self.values = values
    }
}
