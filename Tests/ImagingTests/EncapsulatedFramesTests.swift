import DICOM
import Testing
@testable import Imaging

private typealias Tag = DICOM.Tag

/// The frames of encapsulated pixel data as PS3.5 A.4 delimits them.
@Suite struct EncapsulatedFramesTests {
    private func pixels(_ fragments: [[UInt8]], offsets: [UInt32] = []) -> EncapsulatedPixelData {
        var table: [UInt8] = []
        for offset in offsets { table += withUnsafeBytes(of: offset.littleEndian, Array.init) }
        return EncapsulatedPixelData(basicOffsetTable: .inline(table), fragments: fragments.map { .inline($0) })
    }

    @Test func theBasicOffsetTableGroupsFragmentsIntoFrames() throws {
        // Frame 1 in two fragments (2 + 8 and 3 + 8 bytes), frame 2 in one: offsets 0 and 21.
        let frames = try EncapsulatedFrames(pixels([[1, 2], [3, 4, 5], [6]], offsets: [0, 21]), numberOfFrames: 2, in: DataSet())
        #expect(try frames.frame(1) == [1, 2, 3, 4, 5] && frames.frame(2) == [6])
        #expect(throws: EncapsulatedFramesError.self) {
            try EncapsulatedFrames(pixels([[1, 2], [3, 4, 5], [6]], offsets: [0, 20]), numberOfFrames: 2, in: DataSet())
        }
    }

    @Test func withoutAnOffsetTableOneFrameTakesEveryFragmentOrEachFragmentIsAFrame() throws {
        #expect(try EncapsulatedFrames(pixels([[1], [2]]), numberOfFrames: 1, in: DataSet()).frame(1) == [1, 2])
        #expect(try EncapsulatedFrames(pixels([[1], [2]]), numberOfFrames: 2, in: DataSet()).frame(2) == [2])
        #expect(throws: EncapsulatedFramesError.self) { try EncapsulatedFrames(pixels([[1], [2], [3]]), numberOfFrames: 2, in: DataSet()) }
    }

    @Test func theExtendedOffsetTableWinsOverAnEmptyBasicOne() throws {
        var dataSet = DataSet()
        var table: [UInt8] = []
        for offset: UInt64 in [0, 10] { table += withUnsafeBytes(of: offset.littleEndian, Array.init) }
        dataSet.insert(DataElement(tag: Tag(0x7FE0, 0x0001), vr: .OV, bytes: table))
        let frames = try EncapsulatedFrames(pixels([[1, 2], [3, 4]]), numberOfFrames: 2, in: dataSet)
        #expect(try frames.frame(1) == [1, 2] && frames.frame(2) == [3, 4])
    }

    @Test func aFrameBeyondTheLastIsAnError() throws {
        let frames = try EncapsulatedFrames(pixels([[1], [2]]), numberOfFrames: 2, in: DataSet())
        #expect(throws: EncapsulatedFramesError.noSuchFrame(3, count: 2)) { try frames.frame(3) }
        #expect(throws: EncapsulatedFramesError.frameCountMismatch(inOffsetTable: 1, numberOfFrames: 2)) {
            try EncapsulatedFrames(pixels([[1], [2]], offsets: [0]), numberOfFrames: 2, in: DataSet())
        }
    }
}
