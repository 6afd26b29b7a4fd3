import DICOM

/// The attributes a rendering reads.
enum ImagingTag {
    static let samplesPerPixel = Tag(0x0028, 0x0002)
    static let photometricInterpretation = Tag(0x0028, 0x0004)
    static let planarConfiguration = Tag(0x0028, 0x0006)
    static let numberOfFrames = Tag(0x0028, 0x0008)
    static let rows = Tag(0x0028, 0x0010)
    static let columns = Tag(0x0028, 0x0011)
    static let bitsAllocated = Tag(0x0028, 0x0100)
    static let bitsStored = Tag(0x0028, 0x0101)
    static let highBit = Tag(0x0028, 0x0102)
    static let pixelRepresentation = Tag(0x0028, 0x0103)
    static let windowCenter = Tag(0x0028, 0x1050)
    static let windowWidth = Tag(0x0028, 0x1051)
    static let rescaleIntercept = Tag(0x0028, 0x1052)
    static let rescaleSlope = Tag(0x0028, 0x1053)
    static let voiLUTFunction = Tag(0x0028, 0x1056)
    static let pixelData = Tag(0x7FE0, 0x0010)
}
