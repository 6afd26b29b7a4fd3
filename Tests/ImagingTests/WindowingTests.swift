import DICOM
import Testing
@testable import Imaging

private typealias Tag = DICOM.Tag

/// The VOI transforms of PS3.3 C.11.2.1.2 and C.11.2.1.3 and the greyscale pipeline around them.
@Suite struct WindowingTests {
    @Test func linearWindowFollowsTheStandardsEquation() throws {
        let window = try VOIWindow(center: 40, width: 400)
        // Edges: x <= c - 0.5 - (w-1)/2 is black, x > c - 0.5 + (w-1)/2 white.
        #expect(window.output(-160) == 0)
        #expect(window.output(240) == 255)
        #expect(window.output(-159) > 0)
        // ((x - (c - 0.5)) / (w - 1) + 0.5) * 255 at x = 40.
        #expect(abs(window.output(40) - (0.5 / 399 + 0.5) * 255) < 1e-9)
    }

    @Test func linearExactAndSigmoidFollowTheirEquations() throws {
        let exact = try VOIWindow(center: 100, width: 50, function: .linearExact)
        #expect(exact.output(75) == 0)
        #expect(exact.output(125.5) == 255)
        #expect(exact.output(100) == 127.5)
        let sigmoid = try VOIWindow(center: 100, width: 50, function: .sigmoid)
        #expect(sigmoid.output(100) == 127.5)
        // 255 / (1 + exp(-4 * 25 / 50)) at one half-width above the centre.
        #expect(abs(sigmoid.output(125) - 255 / (1 + 0.1353352832366127)) < 1e-9)
        #expect(sigmoid.output(0) < 1)
    }

    @Test func refusesAWidthTheStandardForbids() {
        #expect(throws: PixelDescriptionError.self) { try VOIWindow(center: 0, width: 0.5) }
        #expect(throws: PixelDescriptionError.self) { try VOIWindow(center: 0, width: 0, function: .sigmoid) }
    }

    @Test func monochrome1IsInvertedAfterTheWindow() throws {
        let pixels = ImagingFixtures.words([0, 100, 200, 300])
        let window = try VOIWindow(center: 150, width: 301, function: .linearExact)
        let two = try FrameRenderer(PixelDescription(ImagingFixtures.monochrome(rows: 2, columns: 2, pixels: pixels)), window: window)
            .render(pixels)
        let one = try FrameRenderer(PixelDescription(ImagingFixtures.monochrome(rows: 2, columns: 2, photometric: "MONOCHROME1", pixels: pixels)),
                                    window: window).render(pixels)
        #expect(two.pixels.first == 0 && two.pixels.last == 255)
        #expect(one.pixels == two.pixels.map { 255 - $0 })
    }

    @Test func signedSixteenBitValuesAreRescaledBeforeTheWindow() throws {
        // Stored -1000, 0, 1000 with slope 2 and intercept -24: modality values -2024, -24, 1976.
        let pixels = ImagingFixtures.words([-1000, 0, 1000])
        let dataSet = ImagingFixtures.monochrome(rows: 1, columns: 3, signed: true, pixels: pixels, extra: [
            ImagingFixtures.ds(0x0028, 0x1053, "2"), ImagingFixtures.ds(0x0028, 0x1052, "-24"),
            ImagingFixtures.ds(0x0028, 0x1050, "-24"), ImagingFixtures.ds(0x0028, 0x1051, "4000"),
            .text(Tag(0x0028, 0x1056), .CS, ["LINEAR_EXACT"]),
        ])
        let description = try PixelDescription(dataSet)
        #expect(description.window == (try VOIWindow(center: -24, width: 4000, function: .linearExact)))
        let raster = try FrameRenderer(description).render(pixels)
        // (x - c) / w + 0.5 of 255: -2024 -> 0, -24 -> 127.5, 1976 -> 255.
        #expect(raster.pixels == [0, 128, 255])
    }

    @Test func withoutAWindowTheFramesOwnRangeSpansBlackToWhite() throws {
        let pixels = ImagingFixtures.words([500, 750, 1000, 625])
        let raster = try FrameRenderer(PixelDescription(ImagingFixtures.monochrome(rows: 2, columns: 2, stored: 12, pixels: pixels)))
            .render(pixels)
        #expect(raster.pixels == [0, 128, 255, 64])
    }

    @Test func onlyTheStoredBitsBelowTheHighBitCount() throws {
        // Bits Stored 12: the top nibble is overlay or garbage and must not change the value.
        let pixels = ImagingFixtures.words([0xF000, 0x0FFF])
        let dataSet = ImagingFixtures.monochrome(rows: 1, columns: 2, stored: 12, pixels: pixels)
        let renderer = FrameRenderer(try PixelDescription(dataSet))
        #expect(renderer.storedValues(pixels, count: 2) == [0, 4095])
    }

    @Test func describesWhatIsWrongWithThePixelDescription() {
        let dataSet = ImagingFixtures.monochrome(rows: 2, columns: 2, bits: 16, stored: 17)
        #expect(throws: PixelDescriptionError.bitsStoredExceedsAllocated(stored: 17, allocated: 16)) { try PixelDescription(dataSet) }
        #expect(PixelDescriptionError.bitsStoredExceedsAllocated(stored: 17, allocated: 16).description == "Bits Stored 17 exceeds Bits Allocated 16")
        let ybr = ImagingFixtures.monochrome(rows: 2, columns: 2, photometric: "YBR_FULL_422")
        #expect(throws: PixelDescriptionError.unsupportedPhotometricInterpretation("YBR_FULL_422")) { try PixelDescription(ybr) }
    }

    @Test func paletteColourLooksEachValueUp() throws {
        // Three entries from first value 10, 16 bits each: 8-bit output is the high byte.
        let descriptor = [3, 10, 16]
        let dataSet = DataSet([
            ImagingFixtures.us(0x0028, 0x0002, [1]), .text(Tag(0x0028, 0x0004), .CS, ["PALETTE COLOR"]),
            ImagingFixtures.us(0x0028, 0x0010, [1]), ImagingFixtures.us(0x0028, 0x0011, [3]),
            ImagingFixtures.us(0x0028, 0x0100, [8]), ImagingFixtures.us(0x0028, 0x0101, [8]),
            ImagingFixtures.us(0x0028, 0x0102, [7]), ImagingFixtures.us(0x0028, 0x0103, [0]),
            ImagingFixtures.us(0x0028, 0x1101, descriptor), ImagingFixtures.us(0x0028, 0x1102, descriptor),
            ImagingFixtures.us(0x0028, 0x1103, descriptor),
            ImagingFixtures.us(0x0028, 0x1201, [0x0000, 0x8000, 0xFF00]),
            ImagingFixtures.us(0x0028, 0x1202, [0xFF00, 0x8000, 0x0000]),
            ImagingFixtures.us(0x0028, 0x1203, [0x1000, 0x2000, 0x3000]),
        ])
        let raster = try FrameRenderer(PixelDescription(dataSet)).render([0, 11, 200])
        #expect(raster.channels == 3)
        #expect(raster.pixels == [0, 255, 0x10, 0x80, 0x80, 0x20, 255, 0, 0x30])
    }

    @Test func framesAreReadOneAtATime() throws {
        let pixels = [UInt8](0..<12)
        let dataSet = ImagingFixtures.monochrome(rows: 1, columns: 2, bits: 16, frames: 3, pixels: pixels)
        let frames = try NativeFrames(dataSet)
        #expect(frames.count == 3 && frames.frameLength == 4)
        #expect(try frames.frame(2) == [4, 5, 6, 7])
        #expect(throws: NativeFramesError.noSuchFrame(4, count: 3)) { try frames.frame(4) }
    }
}
