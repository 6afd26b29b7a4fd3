/// Encapsulated (compressed) pixel data, PS3.5 A.4: a basic offset table item, then fragments.
public struct EncapsulatedPixelData: Sendable, Equatable {
    /// The value of the first item: empty, or one 32-bit offset per frame.
    public var basicOffsetTable: ByteStorage
    /// The remaining items, one or more per frame.
    public var fragments: [ByteStorage]

    public init(basicOffsetTable: ByteStorage = .inline([]), fragments: [ByteStorage]) {
        self.basicOffsetTable = basicOffsetTable
        self.fragments = fragments
    }

    /// The basic offset table decoded as offsets from the first byte of the first fragment item.
    public func basicOffsets() throws -> [UInt32] {
        let bytes = try basicOffsetTable.load()
        return LittleEndian.uint32s(bytes[...])
    }

    /// The number of bytes the value takes when encoded as items, without the sequence delimiter:
    /// what pydicom and DICOMweb call the encapsulated value.
    public var encodedLength: Int {
        8 + basicOffsetTable.count + fragments.reduce(0) { $0 + 8 + $1.count }
    }
}
