import DICOM

/// Frames of a stored object's Pixel Data, by their 1-based numbers (PS3.18 10.4.1.1.4): each
/// frame's bytes read from the file where the value lies, never the whole multi-frame value in
/// memory; native frames little endian, compressed ones as stored (`EncapsulatedFrames`).
enum InstanceFrames {
    private static let rows = Tag(0x0028, 0x0010), columns = Tag(0x0028, 0x0011), samplesPerPixel = Tag(0x0028, 0x0002)
    private static let bitsAllocated = Tag(0x0028, 0x0100), numberOfFrames = Tag(0x0028, 0x0008), pixelData = Tag(0x7FE0, 0x0010)

    /// The frame numbers of a path segment such as "1,3,4": each at least 1.
    static func numbers(_ text: String) throws(WebProblem) -> [Int] {
        let numbers = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard !numbers.isEmpty, numbers.count <= 1000, numbers.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw WebProblem(.badRequest, "frames must be a comma-separated list of frame numbers from 1, at most 1000 of them, not \(text)")
        }
        return numbers.compactMap { $0 }
    }

    /// Frames of encapsulated pixel data, as stored.
    private static func compressed(_ pixels: EncapsulatedPixelData, in dataSet: DataSet, numbers: [Int]) throws(WebProblem) -> [[UInt8]] {
        let frames = try EncapsulatedFrames(pixels, numberOfFrames: dataSet.int(numberOfFrames) ?? 1, in: dataSet)
        if let beyond = numbers.first(where: { $0 > frames.frames.count }) {
            throw WebProblem(.notFound, "frame \(beyond) does not exist: the instance has \(frames.frames.count) frame(s)")
        }
        do {
            return try numbers.map(frames.frame)
        } catch {
            throw WebProblem(.internalServerError, "a frame could not be read from the stored object")
        }
    }

    static func frames(of path: String, numbers: [Int]) throws(WebProblem) -> [[UInt8]] {
        let dataSet: DataSet
        do {
            dataSet = try DICOMFile(contentsOf: path).dataSet
        } catch {
            throw WebProblem(.internalServerError, "the stored object could not be read")
        }
        guard let element = dataSet[pixelData] else { throw WebProblem(.notFound, "the instance has no pixel data") }
        let storage: ByteStorage
        switch element.value {
        case let .bytes(bytes): storage = bytes
        case let .encapsulated(pixels): return try compressed(pixels, in: dataSet, numbers: numbers)
        case .sequence: throw WebProblem(.internalServerError, "the instance's pixel data is not a pixel value")
        }
        let bits = dataSet.int(bitsAllocated) ?? 0
        guard let rows = dataSet.int(rows), let columns = dataSet.int(columns), bits >= 8, bits % 8 == 0 else {
            throw WebProblem(.notAcceptable, "the instance's pixel data has no whole-byte frame layout (Rows, Columns, Bits Allocated \(bits))")
        }
        let frameSize = rows * columns * (dataSet.int(samplesPerPixel) ?? 1) * bits / 8
        let count = dataSet.int(numberOfFrames) ?? 1
        guard frameSize > 0, frameSize * count <= storage.count else {
            throw WebProblem(.internalServerError, "the instance's pixel data is shorter than its frames")
        }
        if let beyond = numbers.first(where: { $0 > count }) {
            throw WebProblem(.notFound, "frame \(beyond) does not exist: the instance has \(count) frame(s)")
        }
        do {
            return try numbers.map { number in
                let start = (number - 1) * frameSize
                switch storage {
                case let .inline(bytes): return Array(bytes[start..<(start + frameSize)])
                case let .file(region):
                    return try FileRegion(path: region.path, offset: region.offset + UInt64(start), length: UInt64(frameSize),
                                          swapWordSize: region.swapWordSize).load()
                }
            }
        } catch {
            throw WebProblem(.internalServerError, "a frame could not be read from the stored object")
        }
    }
}
