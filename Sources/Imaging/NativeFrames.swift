import DICOM

/// The frames of an object's native (uncompressed) Pixel Data, by their 1-based numbers: each
/// read from the file where the value lies, little endian, never the whole multi-frame value in
/// memory (the data set is read with large values left in the file).
public struct NativeFrames: Sendable {
    /// Bytes of one frame.
    public let frameLength: Int
    public let count: Int
    private let storage: ByteStorage

    public init(_ dataSet: DataSet) throws(NativeFramesError) {
        guard let element = dataSet[ImagingTag.pixelData] else { throw .noPixelData }
        guard case let .bytes(storage) = element.value else { throw .encapsulated }
        let rows = dataSet.int(ImagingTag.rows), columns = dataSet.int(ImagingTag.columns), bits = dataSet.int(ImagingTag.bitsAllocated)
        guard let rows, let columns, let bits, rows > 0, columns > 0, bits >= 8, bits % 8 == 0 else {
            throw .noWholeByteLayout(rows: rows, columns: columns, bitsAllocated: bits)
        }
        frameLength = rows * columns * max(1, dataSet.int(ImagingTag.samplesPerPixel) ?? 1) * bits / 8
        count = max(1, dataSet.int(ImagingTag.numberOfFrames) ?? 1)
        guard frameLength * count <= storage.count else {
            throw .shorterThanFrames(length: storage.count, frames: count, frameLength: frameLength)
        }
        self.storage = storage
    }

    /// The bytes of frame `number` (from 1).
    public func frame(_ number: Int) throws(NativeFramesError) -> [UInt8] {
        guard number >= 1, number <= count else { throw .noSuchFrame(number, count: count) }
        let start = (number - 1) * frameLength
        switch storage {
        case let .inline(bytes):
            return Array(bytes[start..<(start + frameLength)])
        case let .file(region):
            do {
                return try FileRegion(path: region.path, offset: region.offset + UInt64(start), length: UInt64(frameLength),
                                      swapWordSize: region.swapWordSize).load()
            } catch {
                throw .unreadable("\(error)")
            }
        }
    }
}
