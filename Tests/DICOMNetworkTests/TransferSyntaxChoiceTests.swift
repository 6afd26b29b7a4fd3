import DICOM
import DICOMNetwork
import Foundation
import Testing

private typealias Tag = DICOM.Tag

/// How a stored instance goes to a peer: as stored, re-encoded between the uncompressed transfer
/// syntaxes, or refused with a reason; and what a C-MOVE proposes to its destination.
@Suite("Transfer syntax choice and transcoding on retrieve")
struct TransferSyntaxChoiceTests {
    static let ct = "1.2.840.10008.5.1.4.1.1.2"
    static let us = "1.2.840.10008.5.1.4.1.1.6.1"
    static let rle = TransferSyntax(uid: "1.2.840.10008.1.2.5")
    static let jpegBaseline = "1.2.840.10008.1.2.4.50"

    static func accepted(_ contexts: [(UInt8, String, TransferSyntax)]) -> [AcceptedPresentationContext] {
        contexts.map { AcceptedPresentationContext(id: $0.0, abstractSyntax: $0.1, transferSyntax: $0.2.uid) }
    }

    @Test func storedSyntaxGoesAsStoredWhenAccepted() throws {
        let contexts = Self.accepted([(1, Self.ct, .implicitVRLittleEndian), (3, Self.ct, .explicitVRLittleEndian)])
        #expect(try TransferSyntaxChoice.choose(sopClassUID: Self.ct, stored: .explicitVRLittleEndian, accepted: contexts)
            == .asStored(contexts[1]))
        let rleContexts = Self.accepted([(1, Self.ct, .implicitVRLittleEndian), (3, Self.ct, Self.rle)])
        #expect(try TransferSyntaxChoice.choose(sopClassUID: Self.ct, stored: Self.rle, accepted: rleContexts) == .asStored(rleContexts[1]))
    }

    @Test func uncompressedDataIsReEncodedInAnAcceptedUncompressedSyntax() throws {
        for target in [TransferSyntax.implicitVRLittleEndian, .explicitVRBigEndian, .deflatedExplicitVRLittleEndian] {
            let contexts = Self.accepted([(1, Self.us, .implicitVRLittleEndian), (3, Self.ct, target)])
            #expect(try TransferSyntaxChoice.choose(sopClassUID: Self.ct, stored: .explicitVRLittleEndian, accepted: contexts)
                == .transcode(contexts[1]))
        }
        // Of several, Explicit VR Little Endian first: the one that keeps the VRs.
        let several = Self.accepted([(1, Self.ct, .explicitVRBigEndian), (3, Self.ct, .implicitVRLittleEndian),
                                     (5, Self.ct, .explicitVRLittleEndian)])
        #expect(try TransferSyntaxChoice.choose(sopClassUID: Self.ct, stored: .deflatedExplicitVRLittleEndian, accepted: several)
            == .transcode(several[2]))
    }

    @Test func compressedDataWithOnlyUncompressedAcceptedIsRefusedWithTheReason() {
        let contexts = Self.accepted([(1, Self.ct, .implicitVRLittleEndian)])
        let expected = TransferSyntaxMismatch.cannotConvert(sopClassUID: Self.ct, stored: Self.rle, accepted: [TransferSyntax.implicitVRLittleEndian.uid])
        #expect(throws: expected) { try TransferSyntaxChoice.choose(sopClassUID: Self.ct, stored: Self.rle, accepted: contexts) }
        #expect(expected.description.contains("RLE Lossless") && expected.description.contains("Implicit VR Little Endian")
            && expected.description.contains("none of which Rampart can decode it into"))
        // Nor is uncompressed data ever compressed on the way out.
        let jpeg = Self.accepted([(1, Self.ct, TransferSyntax(uid: Self.jpegBaseline))])
        #expect(throws: TransferSyntaxMismatch.cannotConvert(sopClassUID: Self.ct, stored: .explicitVRLittleEndian, accepted: [Self.jpegBaseline])) {
            try TransferSyntaxChoice.choose(sopClassUID: Self.ct, stored: .explicitVRLittleEndian, accepted: jpeg)
        }
        #expect(throws: TransferSyntaxMismatch.sopClassNotAccepted(sopClassUID: Self.us)) {
            try TransferSyntaxChoice.choose(sopClassUID: Self.us, stored: .explicitVRLittleEndian, accepted: contexts)
        }
    }

    /// Decodes RLE Lossless only, as a codec would; what it returns is not looked at here.
    private struct RLEDecoder: PixelDataConverter {
        func canConvert(from source: TransferSyntax, to target: TransferSyntax) -> Bool {
            source.uid == rle.uid && TransferSyntaxChoice.canTranscode(target)
        }
        func convert(_ dataSet: DataSet, from source: TransferSyntax, to target: TransferSyntax) throws -> DataSet { dataSet }
    }

    @Test func compressedDataIsDecompressedWhenTheConverterDecodesItsSyntax() throws {
        let contexts = Self.accepted([(1, Self.ct, .explicitVRBigEndian), (3, Self.ct, .explicitVRLittleEndian)])
        #expect(try TransferSyntaxChoice.choose(sopClassUID: Self.ct, stored: Self.rle, accepted: contexts, converter: RLEDecoder())
            == .decompress(contexts[1]))
        // The stored syntax still wins when the peer accepted it.
        let both = Self.accepted([(1, Self.ct, .explicitVRLittleEndian), (3, Self.ct, Self.rle)])
        #expect(try TransferSyntaxChoice.choose(sopClassUID: Self.ct, stored: Self.rle, accepted: both, converter: RLEDecoder())
            == .asStored(both[1]))
        // A syntax the converter cannot decode is refused as before.
        let jpeg = TransferSyntax(uid: Self.jpegBaseline)
        #expect(throws: TransferSyntaxMismatch.cannotConvert(sopClassUID: Self.ct, stored: jpeg, accepted: [TransferSyntax.explicitVRBigEndian.uid,
                                                                                                          TransferSyntax.explicitVRLittleEndian.uid])) {
            try TransferSyntaxChoice.choose(sopClassUID: Self.ct, stored: jpeg, accepted: contexts, converter: RLEDecoder())
        }
    }

    @Test func proposalOffersEachStoredSyntaxAloneThenTheUncompressedOnes() {
        let plain = TransferSyntaxChoice.uncompressed.map(\.uid)
        #expect(plain == ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99"])
        let contexts = InstanceSender.contexts(for: [
            (Self.ct, .implicitVRLittleEndian), (Self.ct, Self.rle), (Self.us, Self.rle), (Self.ct, .explicitVRLittleEndian),
            (Self.ct, .implicitVRLittleEndian),
        ])
        #expect(contexts.map(\.abstractSyntax) == [Self.ct, Self.ct, Self.ct, Self.ct, Self.us, Self.us])
        #expect(contexts.map(\.transferSyntaxes) == [
            ["1.2.840.10008.1.2"], [Self.rle.uid], ["1.2.840.10008.1.2.1"], plain,
            [Self.rle.uid], plain,   // compressed only: still offered uncompressed, so the destination can choose
        ])
    }

    /// An Explicit VR Little Endian file with a sequence, numbers, text and a pixel data value
    /// large enough to stay in the file while it is read (deferred).
    static func sampleFile(in folder: String) throws -> String {
        var item = DataSet()
        item.insert(.text(Tag(0x0008, 0x0100), .SH, ["121070"]))
        item.insert(DataElement(tag: Tag(0x0018, 0x1150), vr: .IS, bytes: Array("350 ".utf8)))
        var dataSet = DataSet()
        dataSet.insert(.uid(.sopClassUID, ct))
        dataSet.insert(.uid(.sopInstanceUID, "2.25.998877"))
        dataSet.insert(.text(Tag(0x0010, 0x0010), .PN, ["SYNTHETIC^PATIENT"]))
        dataSet.insert(DataElement(tag: Tag(0x0028, 0x0010), vr: .US, bytes: [0x00, 0x02]))
        dataSet.insert(DataElement(tag: Tag(0x0028, 0x0030), vr: .DS, bytes: Array("0.5\\0.5 ".utf8)))
        dataSet.insert(DataElement(tag: Tag(0x0018, 0x9087), vr: .FD, bytes: [0, 0, 0, 0, 0, 0, 0xF8, 0x3F]))
        dataSet.insert(DataElement(tag: Tag(0x0040, 0xA043), items: [item]))
        dataSet.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OW, bytes: (0..<(200 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7) }))
        let path = folder + "/sample.dcm"
        try DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).write(toPath: path)
        return path
    }

    @Test(arguments: [TransferSyntax.implicitVRLittleEndian, .explicitVRBigEndian, .deflatedExplicitVRLittleEndian, .explicitVRLittleEndian])
    func transcodingKeepsEveryValue(_ target: TransferSyntax) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("transcode-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try Self.sampleFile(in: folder)
        var sink = ByteArraySink()
        try InstanceSender.transcode(file: path, to: target, into: &sink)
        let decoded = try DataSet(decoding: sink.bytes, transferSyntax: target)
        let original = try DICOMFile(contentsOf: path, options: .init(deferValuesLargerThan: nil)).dataSet
        // Compared in one encoding: the same elements with the same values, byte for byte.
        #expect(try decoded.encoded(in: .explicitVRLittleEndian) == original.encoded(in: .explicitVRLittleEndian))
        #expect(decoded[.sopInstanceUID] != nil && decoded[Tag(0x0002, 0x0010)] == nil)
        #expect(sink.bytes.count % 2 == 0, "a deflated stream is padded to even length (PS3.5 A.5)")
        if target == .explicitVRBigEndian {
            // Each 16-bit word of OW pixel data is written most significant byte first (PS3.5 A.3).
            let offset = sink.bytes.count - 200 * 1024
            #expect(Array(sink.bytes[offset..<offset + 4]) == [0x07, 0x00, 0x15, 0x0E])
        }
    }

    @Test func aRewriteChangesTheDataSetThatIsEncoded() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rewrite-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try Self.sampleFile(in: folder)
        let rewrite = DataSetRewrite { dataSet in
            var shown = dataSet
            shown.remove(Tag(0x0010, 0x0010))
            return shown
        }
        var sink = ByteArraySink()
        try InstanceSender.transcode(file: path, to: .explicitVRLittleEndian, rewrite: rewrite, into: &sink)
        let decoded = try DataSet(decoding: sink.bytes, transferSyntax: .explicitVRLittleEndian)
        #expect(decoded[Tag(0x0010, 0x0010)] == nil)
        #expect(decoded[.sopInstanceUID] != nil && decoded[Tag(0x7FE0, 0x0010)] != nil)
    }
}
