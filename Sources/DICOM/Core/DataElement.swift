/// One data element: tag, VR, and value (PS3.5 7.1).
public struct DataElement: Sendable, Equatable {
    public var tag: Tag
    public var vr: VR
    public var value: Value

    public enum Value: Sendable, Equatable {
        /// The value field in little endian byte order, including any padding byte.
        case bytes(ByteStorage)
        /// The items of a sequence (SQ, or UN read as a sequence).
        case sequence([DataSet])
        /// Pixel data in an encapsulated transfer syntax.
        case encapsulated(EncapsulatedPixelData)
    }

    public init(tag: Tag, vr: VR, value: Value) {
        self.tag = tag
        self.vr = vr
        self.value = value
    }

    public init(tag: Tag, vr: VR, bytes: [UInt8]) {
        self.init(tag: tag, vr: vr, value: .bytes(.inline(bytes)))
    }

    public init(tag: Tag, items: [DataSet]) {
        self.init(tag: tag, vr: .SQ, value: .sequence(items))
    }

    /// The value field's bytes, loading a deferred value; empty for sequences and encapsulated data.
    public func loadBytes() throws -> [UInt8] {
        switch value {
        case .bytes(let storage): try storage.load()
        case .sequence, .encapsulated: []
        }
    }

    /// Inline bytes only: nil when the value was deferred or is not a byte value.
    public var inlineBytes: [UInt8]? {
        if case .bytes(.inline(let bytes)) = value { return bytes }
        return nil
    }

    public var items: [DataSet]? {
        if case .sequence(let items) = value { return items }
        return nil
    }
}
