#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DICOM
import DICOMNetwork

/// A STOW-RS part as spooled: its file, and the headers it came with.
struct SpooledPart: Sendable {
    let path: String
    let headers: [String: String]

    var contentType: MediaRange { MediaRange(headers["content-type"] ?? "application/octet-stream") }
}

/// Instances sent as metadata with bulk data (PS3.18 10.5.1.1: `multipart/related;
/// type="application/dicom+json"` or `type="application/dicom+xml"`), made into Part 10 files in
/// the spool folder so they are stored as any other instance is.
///
/// The metadata parts hold the data sets; each BulkDataURI names another part by its
/// Content-Location (or `cid:` and its Content-ID). A bulk part of `application/octet-stream`
/// is a native value; one in a compressed pixel data media type (`image/jpeg`, ...) is the
/// encapsulated Pixel Data of one frame, in the transfer syntax its `transfer-syntax`
/// parameter names, else that media type's default. The values are copied from the spooled
/// parts as the file is written, never held in memory.
enum StoreMetadata {
    /// One instance of the request: a Part 10 file to store, or why none could be made.
    enum Instance: Sendable {
        case file(String)
        case failed(sopClassUID: String, sopInstanceUID: String, why: String)
    }

    static func instances(_ parts: [SpooledPart], format: DataSetFormat, spoolDirectory: String) throws(WebProblem) -> [Instance] {
        let rootType = format == .json ? MediaType.dicomJSON : DataSetFormat.xmlType
        let metadata = parts.filter { $0.contentType.type == rootType }
        guard !metadata.isEmpty else {
            throw WebProblem(.badRequest, "the request has no \(rootType) part: the metadata must come in one, its bulk data in the others")
        }
        var named: [String: SpooledPart] = [:]
        for part in parts where part.contentType.type != rootType {
            if let location = part.headers["content-location"] { named[location] = part }
            if let id = part.headers["content-id"] { named["cid:" + id.filter { $0 != "<" && $0 != ">" }] = part }
        }
        let bulk = named
        let resolve: BulkDataResolver = { path, vr, uri in
            guard let part = bulk[uri] else { throw UnresolvedBulkData(uri: uri) }
            let region = ByteStorage.file(FileRegion(path: part.path, offset: 0, length: UInt64(try fileSize(part.path))))
            if part.contentType.type == "application/octet-stream" { return .bytes(region) }
            guard path.tag == pixelData, path.steps.isEmpty else { throw UnresolvedBulkData(uri: uri) }
            return .encapsulated(EncapsulatedPixelData(fragments: [region]))
        }
        var instances: [Instance] = []
        for part in metadata {
            let dataSets: [DataSet]
            do {
                let bytes = try FileRegion(path: part.path, offset: 0, length: UInt64(try fileSize(part.path))).load()
                dataSets = format == .json ? try DICOMJSONReader(bulkDataResolver: resolve).readAll(bytes)
                                           : [try DICOMXMLReader(bulkDataResolver: resolve).read(bytes)]
            } catch let unresolved as UnresolvedBulkData {
                throw WebProblem(.badRequest, "the metadata names bulk data \(unresolved.uri) that is no part of the request (or is not "
                                 + "application/octet-stream outside Pixel Data): give each bulk part the Content-Location its BulkDataURI names")
            } catch {
                throw WebProblem(.badRequest, "a \(rootType) part could not be read: \(error)")
            }
            for dataSet in dataSets {
                instances.append(file(dataSet, parts: parts, spoolDirectory: spoolDirectory))
            }
        }
        return instances
    }

    private static let pixelData = Tag(0x7FE0, 0x0010)
    private static let sopClassUID = Tag(0x0008, 0x0016), sopInstanceUID = Tag(0x0008, 0x0018)

    /// The data set as a Part 10 file: Explicit VR Little Endian, or the transfer syntax of its
    /// compressed Pixel Data.
    private static func file(_ dataSet: DataSet, parts: [SpooledPart], spoolDirectory: String) -> Instance {
        let sopClass = dataSet.string(sopClassUID) ?? "", sopInstance = dataSet.string(sopInstanceUID) ?? ""
        var syntax = TransferSyntax.explicitVRLittleEndian
        if case let .encapsulated(pixels)? = dataSet[pixelData]?.value {
            guard case let .file(region)? = pixels.fragments.first, let part = parts.first(where: { $0.path == region.path }) else {
                return .failed(sopClassUID: sopClass, sopInstanceUID: sopInstance,
                               why: "its Pixel Data is encapsulated inline, which names no transfer syntax: send it as a part in its media type")
            }
            guard let compressed = compressedSyntax(part.contentType) else {
                return .failed(sopClassUID: sopClass, sopInstanceUID: sopInstance,
                               why: "its Pixel Data part is \(part.contentType.type), which names no transfer syntax Rampart knows")
            }
            syntax = compressed
        }
        let path = SpooledFile.uniquePath(in: spoolDirectory, suffix: ".stow")
        do {
            var sink = try FileSink(creating: path, exclusive: true)
            try DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: syntax).write(into: &sink)
            try sink.flush()
            return .file(path)
        } catch {
            unlink(path)
            return .failed(sopClassUID: sopClass, sopInstanceUID: sopInstance, why: "it could not be written as a DICOM file: \(error)")
        }
    }

    /// The transfer syntax of a compressed pixel data part: its `transfer-syntax` parameter, or
    /// its media type's default (PS3.18 Table 8.7.3-5).
    static func compressedSyntax(_ type: MediaRange) -> TransferSyntax? {
        let defaults = ["image/jpeg": "1.2.840.10008.1.2.4.50", "image/jls": "1.2.840.10008.1.2.4.80", "image/jp2": "1.2.840.10008.1.2.4.90",
                        "image/jpx": "1.2.840.10008.1.2.4.92", "image/jphc": "1.2.840.10008.1.2.4.201", "image/dicom-rle": "1.2.840.10008.1.2.5"]
        guard let uid = type.parameters["transfer-syntax"] ?? defaults[type.type],
              let syntax = TransferSyntax.known.first(where: { $0.uid == uid }), syntax.isEncapsulated,
              FrameMediaType.mediaType(of: uid) == type.type
        else { return nil }
        return syntax
    }

    private static func fileSize(_ path: String) throws -> Int {
        var status = stat()
        guard stat(path, &status) == 0 else { throw DICOMFileError.cannotOpen(path: path, errno: errno) }
        return Int(status.st_size)
    }
}

private struct UnresolvedBulkData: Error {
    let uri: String
}
