import DICOM
import Testing

@testable import Deidentify

private typealias Tag = DICOM.Tag

@Suite struct BurnedInAnnotationMasksTests {
    static let key = ProjectKey(bytes: Array(repeating: 7, count: 32))
    fileprivate static let rows = Tag(0x0028, 0x0010)
    fileprivate static let columns = Tag(0x0028, 0x0011)
    fileprivate static let samplesPerPixel = Tag(0x0028, 0x0002)
    fileprivate static let planarConfiguration = Tag(0x0028, 0x0006)

    /// A 3 × 4 image of 16-bit pixels, every byte 0xFF, with Burned In Annotation YES.
    static func image(modality: String = "US", samples: Int = 1, planar: Int = 0, bits: Int = 16) -> DICOMFile {
        let size = 3 * 4 * samples * bits / 8
        var elements: [DataElement] = [
            .uid(.sopClassUID, "1.2.840.10008.5.1.4.1.1.6.1"),
            .uid(.sopInstanceUID, "1.2.3.4.1.1"),
            .text(Tag(0x0008, 0x0060), .CS, [modality]),
            .text(Deidentifier.burnedInAnnotation, .CS, ["YES"]),
            DataElement(tag: samplesPerPixel, vr: .US, bytes: [UInt8(samples), 0]),
            DataElement(tag: rows, vr: .US, bytes: [3, 0]),
            DataElement(tag: columns, vr: .US, bytes: [4, 0]),
            DataElement(tag: .bitsAllocated, vr: .US, bytes: [UInt8(bits), 0]),
            DataElement(tag: .pixelData, vr: bits == 8 ? .OB : .OW, bytes: Array(repeating: 0xFF, count: size)),
        ]
        if samples > 1 { elements.append(DataElement(tag: planarConfiguration, vr: .US, bytes: [UInt8(planar), 0])) }
        return DICOMFile(meta: DataSet(), dataSet: DataSet(elements), transferSyntax: .explicitVRLittleEndian)
    }

    static func deidentify(_ file: DICOMFile, _ regions: [MaskRegion]) throws -> DataSet {
        try Deidentifier(key: key, options: [], masks: BurnedInAnnotationMasks(regions: regions)).deidentify(file).dataSet
    }

    @Test func theRegionBecomesZeroAndTheRestStays() throws {
        let result = try Self.deidentify(Self.image(), [MaskRegion(modality: "us", x: 1, y: 0, width: 2, height: 2)])
        let pixels = try #require(result[.pixelData]).loadBytes()
        // Rows 0 and 1, columns 1 and 2, two bytes each.
        let zero = Set([2, 3, 4, 5, 10, 11, 12, 13])
        #expect(pixels.indices.filter { pixels[$0] == 0 } == zero.sorted())
        #expect(result.string(Deidentifier.burnedInAnnotation) == "NO")
    }

    @Test func regionsPastTheEdgeAreClipped() throws {
        let result = try Self.deidentify(Self.image(bits: 8), [MaskRegion(modality: "US", x: 3, y: 2, width: 100, height: 100)])
        let pixels = try #require(result[.pixelData]).loadBytes()
        #expect(pixels.indices.filter { pixels[$0] == 0 } == [11])
    }

    @Test func everyPlaneOfPlanarColourIsMasked() throws {
        let result = try Self.deidentify(
            Self.image(samples: 3, planar: 1, bits: 8), [MaskRegion(modality: "US", x: 0, y: 0, width: 1, height: 1)])
        let pixels = try #require(result[.pixelData]).loadBytes()
        #expect(pixels.indices.filter { pixels[$0] == 0 } == [0, 12, 24])
    }

    @Test func aModalityWithoutRegionStaysRefused() throws {
        #expect(throws: DeidentificationError.burnedInAnnotation) {
            try Self.deidentify(Self.image(modality: "XA"), [MaskRegion(modality: "US", x: 0, y: 0, width: 1, height: 1)])
        }
    }

    @Test func compressedPixelDataStaysRefused() throws {
        let native = Self.image()
        let compressed = DICOMFile(meta: native.meta, dataSet: native.dataSet, transferSyntax: TransferSyntax(uid: "1.2.840.10008.1.2.5"))
        #expect(throws: DeidentificationError.compressedBurnedInAnnotation("RLE Lossless")) {
            try Self.deidentify(compressed, [MaskRegion(modality: "US", x: 0, y: 0, width: 1, height: 1)])
        }
    }

    @Test func aMasksFileIsAListOfRegions() throws {
        let masks = try BurnedInAnnotationMasks(yaml: "- {modality: US, x: 0, y: 0, width: 640, height: 48}\n")
        #expect(masks.regions == [MaskRegion(modality: "US", x: 0, y: 0, width: 640, height: 48)])
        #expect(throws: DeidentificationError.self) { try BurnedInAnnotationMasks(yaml: "US: [0, 0]") }
        #expect(throws: DeidentificationError.self) {
            try BurnedInAnnotationMasks(yaml: #"[{"modality": "US", "x": 0, "y": 0, "width": 0, "height": 4}]"#)
        }
    }
}
