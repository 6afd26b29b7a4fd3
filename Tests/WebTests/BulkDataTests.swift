import DICOM
import Imaging
import Testing
@testable import Web

private typealias Tag = DICOM.Tag

/// Bulk data paths as BulkDataURIs spell them, and the frames of encapsulated pixel data as
/// PS3.5 A.4 delimits them.
@Suite struct BulkDataTests {
    @Test func aPathReadsBackAsWrittenAndFindsItsElement() throws {
        let nested = BulkDataPath(ElementPath(steps: [.init(sequence: Tag(0x0054, 0x0016), item: 1)], tag: Tag(0x0018, 0x1072)))
        #expect(nested.text == "00540016/1/00181072")
        #expect(try BulkDataPath(segments: nested.text) == nested)
        #expect(try BulkDataPath(segments: "7FE00010").text == "7FE00010")

        var item = DataSet()
        item.insert(DataElement(tag: Tag(0x0018, 0x1072), vr: .OB, bytes: [1, 2]))
        var dataSet = DataSet()
        dataSet.insert(DataElement(tag: Tag(0x0054, 0x0016), items: [DataSet(), item]))
        #expect(nested.element(in: dataSet)?.value == .bytes(.inline([1, 2])))
        #expect(try BulkDataPath(segments: "00540016/2/00181072").element(in: dataSet) == nil)
    }

    @Test(arguments: ["", "7FE0001", "zz", "00540016/1", "00540016/-1/00181072", "00540016/x/00181072", "(7FE0,0010)"])
    func aMalformedPathIsNotFound(text: String) {
        #expect(throws: WebProblem.self) { try BulkDataPath(segments: text) }
    }

    private func pixels(_ fragments: [[UInt8]], offsets: [UInt32] = []) -> EncapsulatedPixelData {
        var table: [UInt8] = []
        for offset in offsets { table += withUnsafeBytes(of: offset.littleEndian, Array.init) }
        return EncapsulatedPixelData(basicOffsetTable: .inline(table), fragments: fragments.map { .inline($0) })
    }

    @Test func storedFramesThatCannotBeToldApartAreNotAcceptableAndABadOffsetTableIsTheServers() throws {
        var twoFrames = DataSet()
        twoFrames.insert(DataElement(tag: Tag(0x0028, 0x0008), vr: .IS, bytes: Array("2 ".utf8)))
        let frames = try EncapsulatedFrames(stored: pixels([[1, 2], [3, 4, 5], [6]], offsets: [0, 21]), in: twoFrames)
        #expect(try frames.frame(2) == [6])
        do {
            _ = try EncapsulatedFrames(stored: pixels([[1], [2], [3]]), in: twoFrames)
            Issue.record("three fragments, two frames, no offset table were split")
        } catch {
            #expect(error.status == .notAcceptable && error.detail.hasSuffix("retrieve the instance with transfer-syntax=*"))
        }
        do {
            _ = try EncapsulatedFrames(stored: pixels([[1, 2], [3, 4, 5], [6]], offsets: [0, 20]), in: twoFrames)
            Issue.record("an offset inside a fragment was accepted")
        } catch {
            #expect(error.status == .internalServerError)
        }
    }

    @Test func compressedFramesGoAsStoredInTheirMediaType() throws {
        let rle = try #require(TransferSyntax.known.first { $0.uid == "1.2.840.10008.1.2.5" })
        #expect(try FrameMediaType.negotiate(accept: nil, stored: rle) == "image/dicom-rle; transfer-syntax=1.2.840.10008.1.2.5")
        #expect(try FrameMediaType.negotiate(accept: #"multipart/related; type="application/octet-stream"; transfer-syntax=*"#, stored: rle)
                == "application/octet-stream; transfer-syntax=1.2.840.10008.1.2.5")
        #expect(throws: WebProblem.self) { try FrameMediaType.negotiate(accept: #"multipart/related; type="application/octet-stream""#, stored: rle) }
        #expect(try FrameMediaType.negotiate(accept: #"multipart/related; type="application/octet-stream""#, stored: .explicitVRLittleEndian)
                == FrameMediaType.nativeContentType)
        #expect(throws: WebProblem.self) { try FrameMediaType.negotiate(accept: #"multipart/related; type="image/jpeg""#, stored: .explicitVRLittleEndian) }
    }

    @Test func aStoredBulkPartNamesItsTransferSyntaxByMediaType() throws {
        #expect(StoreMetadata.compressedSyntax(MediaRange("image/jpeg"))?.uid == "1.2.840.10008.1.2.4.50")
        #expect(StoreMetadata.compressedSyntax(MediaRange("image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.70"))?.uid == "1.2.840.10008.1.2.4.70")
        // A syntax of another media type, an uncompressed one, or a type that names none.
        #expect(StoreMetadata.compressedSyntax(MediaRange("image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.80")) == nil)
        #expect(StoreMetadata.compressedSyntax(MediaRange("image/jls; transfer-syntax=1.2.840.10008.1.2.1")) == nil)
        #expect(StoreMetadata.compressedSyntax(MediaRange("image/png")) == nil)
    }

    @Test func aStoreBodyIsInstancesOrMetadataWithBulkData() throws {
        #expect(try DICOMwebServices.storeBody(#"multipart/related; type="application/dicom"; boundary=b"#).metadata == nil)
        #expect(try DICOMwebServices.storeBody("multipart/related; boundary=b").metadata == nil)
        #expect(try DICOMwebServices.storeBody(#"multipart/related; type="application/dicom+json"; boundary=b"#).metadata == .json)
        #expect(try DICOMwebServices.storeBody(#"multipart/related; type="application/dicom+xml"; boundary=b"#) == ("b", .xml))
        #expect(throws: WebProblem.self) { try DICOMwebServices.storeBody(#"multipart/related; type="image/png"; boundary=b"#) }
        #expect(throws: WebProblem.self) { try DICOMwebServices.storeBody(#"multipart/related; type="application/dicom""#) }
    }
}
