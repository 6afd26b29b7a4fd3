import DICOM
import Yams

/// The regions blanked in objects with Burned In Annotation YES, per modality (the masks file of
/// `rampart deidentify --masks`): the pixels there become zero in every frame and sample, and the
/// object then says Burned In Annotation NO. Only native pixel data can be masked; compressed
/// pixel data with burned-in annotation stays refused.
public struct BurnedInAnnotationMasks: Sendable, Equatable {
    public let regions: [MaskRegion]

    public static let none = BurnedInAnnotationMasks(checked: [])

    private init(checked regions: [MaskRegion]) {
        self.regions = regions
    }

    public init(regions: [MaskRegion]) throws(DeidentificationError) {
        for (index, region) in regions.enumerated() {
            guard !region.modality.isEmpty, region.x >= 0, region.y >= 0, region.width > 0, region.height > 0 else {
                throw .malformedMasks("region \(index + 1) needs a modality, x and y of 0 or more, and a width and height above 0")
            }
        }
        self.init(checked: regions)
    }

    /// A masks file: a YAML (or JSON) list of regions, each with modality, x, y, width and height.
    public init(yaml text: String) throws(DeidentificationError) {
        let regions: [MaskRegion]
        do {
            regions = try YAMLDecoder().decode([MaskRegion].self, from: text)
        } catch {
            throw .malformedMasks("expected a list of regions, each with modality, x, y, width and height (\(error))")
        }
        try self.init(regions: regions)
    }

    func regions(forModality modality: String) -> [MaskRegion] {
        regions.filter { $0.modality.uppercased() == modality.uppercased() }
    }

    static let modality = Tag(0x0008, 0x0060)
    static let samplesPerPixel = Tag(0x0028, 0x0002)
    static let planarConfiguration = Tag(0x0028, 0x0006)
    static let rows = Tag(0x0028, 0x0010)
    static let columns = Tag(0x0028, 0x0011)

    /// The data set with its regions blanked and Burned In Annotation NO, or nil when no region
    /// names its modality.
    func masked(_ dataSet: DataSet, transferSyntax: TransferSyntax) throws(DeidentificationError) -> DataSet? {
        let regions = regions(forModality: dataSet.string(Self.modality) ?? "")
        guard !regions.isEmpty else { return nil }
        guard !transferSyntax.isEncapsulated else { throw .compressedBurnedInAnnotation(transferSyntax.name) }
        guard let rows = dataSet.int(Self.rows), let columns = dataSet.int(Self.columns), rows > 0, columns > 0,
            let bitsAllocated = dataSet.int(.bitsAllocated), bitsAllocated > 0, bitsAllocated % 8 == 0,
            let element = dataSet[.pixelData]
        else { throw .unmaskablePixelData("it needs Rows, Columns, Bits Allocated (a multiple of 8) and Pixel Data") }
        var pixels: [UInt8]
        do { pixels = try element.loadBytes() } catch { throw .unmaskablePixelData("its pixel data cannot be read (\(error))") }
        let samples = max(dataSet.int(Self.samplesPerPixel) ?? 1, 1)
        let planar = samples > 1 && dataSet.int(Self.planarConfiguration) == 1
        let bytesPerSample = bitsAllocated / 8
        let frameSize = rows * columns * samples * bytesPerSample
        let frames = max(dataSet.int(.numberOfFrames) ?? 1, 1)
        guard pixels.count >= frames * frameSize else {
            throw .unmaskablePixelData("its pixel data holds \(pixels.count) bytes, fewer than \(frames) frames of \(rows)×\(columns)")
        }
        for frame in 0..<frames {
            for region in regions {
                let top = min(region.y, rows), bottom = min(region.y + region.height, rows)
                let left = min(region.x, columns), right = min(region.x + region.width, columns)
                guard top < bottom, left < right else { continue }
                for row in top..<bottom {
                    if planar {
                        // Planar configuration 1: one plane of rows × columns per sample.
                        for plane in 0..<samples {
                            let start = frame * frameSize + ((plane * rows + row) * columns + left) * bytesPerSample
                            Self.zero(&pixels, start..<start + (right - left) * bytesPerSample)
                        }
                    } else {
                        let start = frame * frameSize + (row * columns + left) * samples * bytesPerSample
                        Self.zero(&pixels, start..<start + (right - left) * samples * bytesPerSample)
                    }
                }
            }
        }
        var result = dataSet
        result.insert(DataElement(tag: .pixelData, vr: element.vr, bytes: pixels))
        result.insert(.text(Deidentifier.burnedInAnnotation, .CS, ["NO"]))
        return result
    }

    private static func zero(_ pixels: inout [UInt8], _ range: Range<Int>) {
        for index in range { pixels[index] = 0 }
    }
}
