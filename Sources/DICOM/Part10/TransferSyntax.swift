/// How a data set is encoded: VR explicitness, byte order, deflation, pixel data encapsulation (PS3.5 10).
public struct TransferSyntax: Sendable, Hashable, CustomStringConvertible {
    public let uid: String
    public let name: String
    public let isExplicitVR: Bool
    public let isBigEndian: Bool
    public let isDeflated: Bool
    /// Pixel data is encapsulated in fragments (compressed, or referenced by JPIP/MPEG streams).
    public let isEncapsulated: Bool

    public init(uid: String, name: String, isExplicitVR: Bool = true, isBigEndian: Bool = false,
                isDeflated: Bool = false, isEncapsulated: Bool = true) {
        self.uid = uid
        self.name = name
        self.isExplicitVR = isExplicitVR
        self.isBigEndian = isBigEndian
        self.isDeflated = isDeflated
        self.isEncapsulated = isEncapsulated
    }

    public var description: String { "\(name) (\(uid))" }

    public static let implicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2", name: "Implicit VR Little Endian", isExplicitVR: false, isEncapsulated: false)
    public static let explicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.1", name: "Explicit VR Little Endian", isEncapsulated: false)
    public static let encapsulatedUncompressedExplicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.1.98", name: "Encapsulated Uncompressed Explicit VR Little Endian")
    public static let deflatedExplicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.1.99", name: "Deflated Explicit VR Little Endian", isDeflated: true, isEncapsulated: false)
    public static let explicitVRBigEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.2", name: "Explicit VR Big Endian (retired)", isBigEndian: true, isEncapsulated: false)

    /// Every transfer syntax of PS3.6 Table A-1, so that names print and encapsulation is known.
    public static let known: [TransferSyntax] = [
        implicitVRLittleEndian, explicitVRLittleEndian, encapsulatedUncompressedExplicitVRLittleEndian,
        deflatedExplicitVRLittleEndian, explicitVRBigEndian,
        .init(uid: "1.2.840.10008.1.2.4.50", name: "JPEG Baseline (Process 1)"),
        .init(uid: "1.2.840.10008.1.2.4.51", name: "JPEG Extended (Process 2 & 4)"),
        .init(uid: "1.2.840.10008.1.2.4.57", name: "JPEG Lossless, Non-Hierarchical (Process 14)"),
        .init(uid: "1.2.840.10008.1.2.4.70", name: "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])"),
        .init(uid: "1.2.840.10008.1.2.4.80", name: "JPEG-LS Lossless Image Compression"),
        .init(uid: "1.2.840.10008.1.2.4.81", name: "JPEG-LS Lossy (Near-Lossless) Image Compression"),
        .init(uid: "1.2.840.10008.1.2.4.90", name: "JPEG 2000 Image Compression (Lossless Only)"),
        .init(uid: "1.2.840.10008.1.2.4.91", name: "JPEG 2000 Image Compression"),
        .init(uid: "1.2.840.10008.1.2.4.92", name: "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)"),
        .init(uid: "1.2.840.10008.1.2.4.93", name: "JPEG 2000 Part 2 Multi-component Image Compression"),
        .init(uid: "1.2.840.10008.1.2.4.94", name: "JPIP Referenced", isEncapsulated: false),
        .init(uid: "1.2.840.10008.1.2.4.95", name: "JPIP Referenced Deflate", isDeflated: true, isEncapsulated: false),
        .init(uid: "1.2.840.10008.1.2.4.100", name: "MPEG2 Main Profile / Main Level"),
        .init(uid: "1.2.840.10008.1.2.4.101", name: "MPEG2 Main Profile / High Level"),
        .init(uid: "1.2.840.10008.1.2.4.102", name: "MPEG-4 AVC/H.264 High Profile / Level 4.1"),
        .init(uid: "1.2.840.10008.1.2.4.103", name: "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
        .init(uid: "1.2.840.10008.1.2.4.104", name: "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
        .init(uid: "1.2.840.10008.1.2.4.105", name: "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
        .init(uid: "1.2.840.10008.1.2.4.106", name: "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
        .init(uid: "1.2.840.10008.1.2.4.107", name: "HEVC/H.265 Main Profile / Level 5.1"),
        .init(uid: "1.2.840.10008.1.2.4.108", name: "HEVC/H.265 Main 10 Profile / Level 5.1"),
        .init(uid: "1.2.840.10008.1.2.4.110", name: "JPEG XL Lossless"),
        .init(uid: "1.2.840.10008.1.2.4.111", name: "JPEG XL JPEG Recompression"),
        .init(uid: "1.2.840.10008.1.2.4.112", name: "JPEG XL"),
        .init(uid: "1.2.840.10008.1.2.4.201", name: "High-Throughput JPEG 2000 Image Compression (Lossless Only)"),
        .init(uid: "1.2.840.10008.1.2.4.202", name: "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)"),
        .init(uid: "1.2.840.10008.1.2.4.203", name: "High-Throughput JPEG 2000 Image Compression"),
        .init(uid: "1.2.840.10008.1.2.5", name: "RLE Lossless"),
        .init(uid: "1.2.840.10008.1.2.8.1", name: "Deflated Image Frame Compression"),
        .init(uid: "1.2.840.10008.1.2.6.1", name: "RFC 2557 MIME encapsulation (retired)", isEncapsulated: false),
        .init(uid: "1.2.840.10008.1.2.6.2", name: "XML Encoding (retired)", isEncapsulated: false),
        .init(uid: "1.2.840.10008.1.2.7.1", name: "SMPTE ST 2110-20 Uncompressed Progressive Active Video", isEncapsulated: false),
        .init(uid: "1.2.840.10008.1.2.7.2", name: "SMPTE ST 2110-20 Uncompressed Interlaced Active Video", isEncapsulated: false),
        .init(uid: "1.2.840.10008.1.2.7.3", name: "SMPTE ST 2110-30 PCM Digital Audio", isEncapsulated: false),
    ]

    /// The transfer syntax for a UID. PS3.5 10: every syntax not listed as otherwise is explicit VR
    /// little endian, so an unknown UID is read that way with pixel data taken as encapsulated.
    public init(uid rawUID: String) {
        let uid = rawUID.trimmingDICOMPadding()
        if let known = Self.known.first(where: { $0.uid == uid }) {
            self = known
        } else {
            self.init(uid: uid, name: "Unknown transfer syntax")
        }
    }

    public var isKnown: Bool { Self.known.contains { $0.uid == uid } }
}

extension String {
    /// Without the trailing NUL or space padding of a UI or other string value.
    func trimmingDICOMPadding() -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last == "\0" || last == " " { scalars.removeLast() }
        while let first = scalars.first, first == " " { scalars.removeFirst() }
        return String(scalars)
    }
}
