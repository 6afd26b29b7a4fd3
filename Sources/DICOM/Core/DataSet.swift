/// An ordered collection of data elements, ascending by tag (PS3.5 7.1): a whole object, the
/// file meta group, or one item of a sequence.
public struct DataSet: Sendable, Equatable, RandomAccessCollection {
    public private(set) var elements: [DataElement]

    public init() { elements = [] }

    /// Elements in any order; a later element with the same tag replaces an earlier one.
    public init(_ elements: [DataElement]) {
        self.elements = []
        self.elements.reserveCapacity(elements.count)
        for element in elements { insert(element) }
    }

    public var startIndex: Int { elements.startIndex }
    public var endIndex: Int { elements.endIndex }
    public subscript(position: Int) -> DataElement { elements[position] }

    public subscript(tag: Tag) -> DataElement? {
        get {
            let index = insertionIndex(of: tag)
            return index < elements.count && elements[index].tag == tag ? elements[index] : nil
        }
        set {
            if let newValue {
                precondition(newValue.tag == tag, "element \(newValue.tag) stored under \(tag)")
                insert(newValue)
            } else {
                remove(tag)
            }
        }
    }

    public func contains(_ tag: Tag) -> Bool { self[tag] != nil }

    /// Adds an element, replacing one with the same tag. Appending in tag order costs O(1).
    public mutating func insert(_ element: DataElement) {
        if let last = elements.last, last.tag < element.tag {
            elements.append(element)
            return
        }
        let index = insertionIndex(of: element.tag)
        if index < elements.count && elements[index].tag == element.tag {
            elements[index] = element
        } else {
            elements.insert(element, at: index)
        }
    }

    @discardableResult
    public mutating func remove(_ tag: Tag) -> DataElement? {
        let index = insertionIndex(of: tag)
        guard index < elements.count, elements[index].tag == tag else { return nil }
        return elements.remove(at: index)
    }

    /// Elements of one group, in order.
    public func group(_ group: UInt16) -> [DataElement] {
        elements.filter { $0.tag.group == group }
    }

    private func insertionIndex(of tag: Tag) -> Int {
        var low = 0, high = elements.count
        while low < high {
            let mid = (low + high) / 2
            if elements[mid].tag < tag { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
