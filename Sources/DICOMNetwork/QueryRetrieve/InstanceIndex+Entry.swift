import DICOM

extension InstanceIndex {
    /// One stored instance: what a query can match and where its object can be had.
    public struct Entry: Sendable, Equatable {
        public var sopClassUID: String
        public var sopInstanceUID: String
        /// The instance's data set without pixel data (group 7FE0 is dropped on creation: no key
        /// of PS3.4 C.6 lies there, and an index should not hold images).
        public var attributes: DataSet
        /// A file path, or any locator the owner of the index understands.
        public var location: String

        public init(sopClassUID: String, sopInstanceUID: String, attributes: DataSet, location: String) {
            self.sopClassUID = sopClassUID
            self.sopInstanceUID = sopInstanceUID
            self.attributes = Self.withoutPixelData(attributes)
            self.location = location
        }

        /// An entry whose SOP Class UID (0008,0016) and SOP Instance UID (0008,0018) are read from
        /// `attributes`; nil when the instance UID is missing, since the index is keyed by it.
        public init?(attributes: DataSet, location: String) {
            guard let instanceUID = attributes[QueryTag.sopInstanceUID]?.strings.first, !instanceUID.isEmpty else { return nil }
            let classUID = attributes[QueryTag.sopClassUID]?.strings.first ?? ""
            self.init(sopClassUID: classUID, sopInstanceUID: instanceUID, attributes: attributes, location: location)
        }

        private static func withoutPixelData(_ attributes: DataSet) -> DataSet {
            guard attributes.contains(where: { $0.tag.group == 0x7FE0 }) else { return attributes }
            return DataSet(attributes.filter { $0.tag.group != 0x7FE0 })
        }
    }
}
