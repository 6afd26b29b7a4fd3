import Testing
@testable import Imaging

/// JPEG 2000 frames decode through OpenJPEG to the images they were made from: colour with the
/// reversible colour transform comes out RGB, signed samples sign-extended; a JP2 wrapper is read
/// too, and damaged codestreams are refused with a CodecError.
@Suite struct JPEG2000Tests {
    private let lossless = JPEG2000(transferSyntaxUID: "1.2.840.10008.1.2.4.90")!

    private func layout(samples: Int, bits: Int, stored: Int, signed: Bool, photometric: String) -> FrameLayout {
        FrameLayout(rows: 32, columns: 32, samplesPerPixel: samples, bitsAllocated: bits, bitsStored: stored, isSigned: signed,
                    isPlanar: false, photometricInterpretation: photometric)
    }

    @Test func everyJPEG2000SyntaxHasADecoderAndNoOtherDoes() {
        for uid in ["1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202",
                    "1.2.840.10008.1.2.4.203"] {
            #expect(JPEG2000(transferSyntaxUID: uid) != nil)
        }
        #expect(JPEG2000(transferSyntaxUID: "1.2.840.10008.1.2.4.80") == nil)
    }

    @Test func colourWithTheReversibleTransformDecodesToRGB() throws {
        let frame = layout(samples: 3, bits: 8, stored: 8, signed: false, photometric: "YBR_RCT")
        let decoded = try lossless.decode(JPEG2000Fixtures.rgbWithRCT, layout: frame)
        var rgb = frame
        rgb.photometricInterpretation = "RGB"
        #expect(decoded.layout == rgb)
        let expected = (0..<32).flatMap { row in (0..<32).flatMap { JPEG2000Fixtures.rgbPixel(row: row, column: $0) } }
        #expect(decoded.bytes == expected)
    }

    @Test func signedTwelveBitSamplesComeBackSignExtended() throws {
        let frame = layout(samples: 1, bits: 16, stored: 12, signed: true, photometric: "MONOCHROME2")
        let decoded = try lossless.decode(JPEG2000Fixtures.signed12, layout: frame)
        #expect(decoded.layout == frame)
        let expected = (0..<32).flatMap { row in
            (0..<32).flatMap { column in
                let value = UInt16(bitPattern: JPEG2000Fixtures.signedPixel(row: row, column: column))
                return [UInt8(value & 0xFF), UInt8(value >> 8)]
            }
        }
        #expect(decoded.bytes == expected)
    }

    @Test func aJP2FileIsDecodedLikeACodestream() throws {
        let frame = layout(samples: 1, bits: 8, stored: 8, signed: false, photometric: "MONOCHROME2")
        let decoded = try JPEG2000(transferSyntaxUID: "1.2.840.10008.1.2.4.91")!.decode(JPEG2000Fixtures.greyJP2, layout: frame)
        #expect(decoded.layout == frame)
        #expect(decoded.bytes == (0..<32).flatMap { row in (0..<32).map { JPEG2000Fixtures.greyPixel(row: row, column: $0) } })
    }

    @Test func codestreamThatDisagreesWithTheDataSetIsAMismatch() {
        let grey = layout(samples: 1, bits: 8, stored: 8, signed: false, photometric: "MONOCHROME2")
        #expect(throws: CodecError.layoutMismatch(syntax: "JPEG 2000 lossless",
                                                  reason: "the codestream has 3 components, Samples per Pixel is 1")) {
            try lossless.decode(JPEG2000Fixtures.rgbWithRCT, layout: grey)
        }
        var taller = layout(samples: 1, bits: 16, stored: 12, signed: true, photometric: "MONOCHROME2")
        taller.rows = 33
        #expect(throws: CodecError.layoutMismatch(syntax: "JPEG 2000 lossless", reason: "the codestream is 32×32, the data set says 32×33")) {
            try lossless.decode(JPEG2000Fixtures.signed12, layout: taller)
        }
    }

    @Test func truncatedAndGarbageCodestreamsAreMalformed() {
        let frame = layout(samples: 1, bits: 16, stored: 12, signed: true, photometric: "MONOCHROME2")
        let stream = JPEG2000Fixtures.signed12
        for damaged in [Array(stream.prefix(30)), Array(stream.prefix(stream.count / 2)), [], [0xFF],
                        [0xFF, 0x4F] + [UInt8](repeating: 0x5A, count: 100), [UInt8](repeating: 0x00, count: 64)] {
            #expect {
                try lossless.decode(damaged, layout: frame)
            } throws: { error in
                guard case let .malformed(syntax, reason)? = error as? CodecError else { return false }
                return syntax == "JPEG 2000 lossless" && !reason.isEmpty
            }
        }
    }

    @Test func losslessEncodingRoundTripsSignedGreyAndRGB() throws {
        let grey = layout(samples: 1, bits: 16, stored: 12, signed: true, photometric: "MONOCHROME2")
        // Samples from -2048 to 2047, little endian, sign-extended to 16 bits.
        let greyBytes = (0..<(32 * 32)).flatMap { index -> [UInt8] in
            let value = Int16((index * 37) % 4096 - 2048)
            return [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)]
        }
        let encodedGrey = try JPEG2000Encoder(lossless: true).encode(greyBytes, layout: grey)
        #expect(encodedGrey.lossyMethod == nil && encodedGrey.photometricInterpretation == "MONOCHROME2")
        #expect(try lossless.decode(encodedGrey.bytes, layout: grey).bytes == greyBytes)

        let rgb = layout(samples: 3, bits: 8, stored: 8, signed: false, photometric: "RGB")
        let rgbBytes = (0..<32).flatMap { row in (0..<32).flatMap { JPEG2000Fixtures.rgbPixel(row: row, column: $0) } }
        let encodedRGB = try JPEG2000Encoder(lossless: true).encode(rgbBytes, layout: rgb)
        #expect(encodedRGB.photometricInterpretation == "YBR_RCT")
        var asStored = rgb
        asStored.photometricInterpretation = "YBR_RCT"
        let decoded = try lossless.decode(encodedRGB.bytes, layout: asStored)
        #expect(decoded.bytes == rgbBytes && decoded.layout.photometricInterpretation == "RGB")
    }

    @Test func lossyEncodingSaysSoAndStaysClose() throws {
        let grey = layout(samples: 1, bits: 8, stored: 8, signed: false, photometric: "MONOCHROME2")
        let smooth = (0..<32).flatMap { row in (0..<32).map { UInt8(truncatingIfNeeded: row * 4 + $0 * 3) } }
        let encoded = try JPEG2000Encoder(lossless: false, ratio: 4).encode(smooth, layout: grey)
        #expect(encoded.lossyMethod == "ISO_15444_1")
        let lossy = try #require(JPEG2000(transferSyntaxUID: "1.2.840.10008.1.2.4.91"))
        let decoded = try lossy.decode(encoded.bytes, layout: grey).bytes
        #expect(zip(decoded, smooth).allSatisfy { abs(Int($0) - Int($1)) <= 8 })
    }
}

