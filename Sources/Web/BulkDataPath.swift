import Access
import DICOM

/// Where a bulk data value sits in an instance's data set, as the last segments of the
/// BulkDataURI that WADO-RS metadata gives for it: the tag in 8 hex digits, preceded, for a value
/// inside a sequence, by the sequence's tag and the item's zero-based index, outermost first
/// (`00540016/0/00181072`).
struct BulkDataPath: Sendable, Hashable {
    let path: ElementPath

    init(_ path: ElementPath) {
        self.path = path
    }

    /// The segments after `/bulkdata/`; a 404 when they name no element a path could name.
    init(segments text: String) throws(WebProblem) {
        let segments = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard segments.count % 2 == 1, segments.count <= 2 * 8 + 1,
              let tag = Tag(segments[segments.count - 1]), segments[segments.count - 1].count == 8
        else {
            throw WebProblem(.notFound, "no bulk data at \(LogText.printable(String(text.prefix(200)))): a bulk data path is a tag in 8 hex digits, after sequence tags and item indexes")
        }
        var steps: [ElementPath.Step] = []
        for index in stride(from: 0, to: segments.count - 1, by: 2) {
            guard segments[index].count == 8, let sequence = Tag(segments[index]), let item = Int(segments[index + 1]), item >= 0 else {
                throw WebProblem(.notFound, "no bulk data at \(LogText.printable(String(text.prefix(200)))): \(LogText.printable(segments[index]))/\(LogText.printable(segments[index + 1])) is not a sequence tag and an item index")
            }
            steps.append(ElementPath.Step(sequence: sequence, item: item))
        }
        path = ElementPath(steps: steps, tag: tag)
    }

    var text: String {
        (path.steps.map { "\($0.sequence.hex)/\($0.item)/" } + [path.tag.hex]).joined()
    }

    /// The element at this path in `dataSet`, if there is one.
    func element(in dataSet: DataSet) -> DataElement? {
        var current = dataSet
        for step in path.steps {
            guard case let .sequence(items)? = current[step.sequence]?.value, items.indices.contains(step.item) else { return nil }
            current = items[step.item]
        }
        return current[path.tag]
    }
}
