/// Where an element sits in a data set: the sequence items that lead to it, then its tag. Used to
/// name elements in errors and to ask for bulk data URIs.
public struct ElementPath: Sendable, Hashable, CustomStringConvertible {
    /// One step down: an item of a sequence.
    public struct Step: Sendable, Hashable {
        public var sequence: Tag
        /// Zero-based index of the item.
        public var item: Int

        public init(sequence: Tag, item: Int) {
            self.sequence = sequence
            self.item = item
        }
    }

    /// Outermost first.
    public var steps: [Step]
    public var tag: Tag

    public init(steps: [Step] = [], tag: Tag) {
        self.steps = steps
        self.tag = tag
    }

    /// "(0040,A730)[1]/(0008,0100)": items numbered from 1, as the Native DICOM Model numbers them.
    public var description: String {
        steps.map { "\($0.sequence)[\($0.item + 1)]/" }.joined() + tag.description
    }

    /// The path of an element inside item `item` of this element's sequence.
    func child(item: Int, tag: Tag) -> ElementPath {
        ElementPath(steps: steps + [Step(sequence: self.tag, item: item)], tag: tag)
    }
}
