import Foundation

/// The arithmetic the sequential DCT processes share (T.81 Annex A.3, K.1): the zig-zag order,
/// the example quantization tables, the 8x8 inverse DCT as libjpeg computes it, and a forward DCT
/// in Double for the encoder.
enum JPEGDCT {
    /// natural[k]: the row-major position of the k-th coefficient in zig-zag order (T.81 Figure A.6).
    static let natural: [Int] = [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ]

    /// The luminance table of T.81 Table K.1, row-major.
    static let luminanceQuantization: [Int] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ]

    /// Table K.1 scaled to `quality` (1...100) as libjpeg's jpeg_quality_scaling does, so a quality
    /// means what it means to dcmcjpeg and cjpeg; each entry kept within 1...maximum.
    static func quantization(quality: Int, maximum: Int) -> [Int] {
        let quality = min(100, max(1, quality))
        let scale = quality < 50 ? 5000 / quality : 200 - 2 * quality
        return luminanceQuantization.map { min(maximum, max(1, ($0 * scale + 50) / 100)) }
    }

    /// cosines[x * 8 + u] = C(u)/2 · cos((2x + 1)uπ/16), the separable factor of T.81 A.3.3, for the forward DCT.
    private static let cosines: [Double] = (0..<64).map { index in
        let x = Double(index / 8), u = index % 8
        return (u == 0 ? 1 / 2.0.squareRoot() : 1) / 2 * cos((2 * x + 1) * Double(u) * Double.pi / 16)
    }

    /// The samples of one block, row-major, from its dequantized coefficients (row-major), level
    /// shifted by 2^(P-1) and clamped to 0...2^P - 1 (T.81 A.3.1). The arithmetic is libjpeg's
    /// "islow" integer transform (jidctint.c: the Loeffler-Ligtenberg-Moschytz factorisation in
    /// 13-bit fixed point), which DCMTK and libjpeg-turbo use, so that Rampart's samples are theirs.
    static func inverse(_ coefficients: [Int], precision: Int, into samples: inout [Int32]) {
        let pass1Bits = precision == 8 ? 2 : 1
        var workspace = [Int](repeating: 0, count: 64)
        for column in 0..<8 {
            let values = islow(coefficients, start: column, step: 8, descale: constBits - pass1Bits)
            for row in 0..<8 { workspace[row * 8 + column] = values[row] }
        }
        let centre = 1 << (precision - 1), maximum = 1 << precision - 1
        for row in 0..<8 {
            let values = islow(workspace, start: row * 8, step: 1, descale: constBits + pass1Bits + 3)
            for column in 0..<8 { samples[row * 8 + column] = Int32(min(maximum, max(0, values[column] + centre))) }
        }
    }

    private static let constBits = 13

    /// One 8-point pass of jidctint.c over `input[start + k * step]`, each output rounded and shifted right by `descale`.
    private static func islow(_ input: [Int], start: Int, step: Int, descale: Int) -> [Int] {
        func at(_ k: Int) -> Int { input[start + k * step] }
        // Even part.
        var z2 = at(2), z3 = at(6)
        var z1 = (z2 + z3) * 4433                      // FIX(0.541196100)
        var tmp2 = z1 - z3 * 15137                     // FIX(1.847759065)
        var tmp3 = z1 + z2 * 6270                      // FIX(0.765366865)
        z2 = at(0)
        z3 = at(4)
        var tmp0 = (z2 + z3) << constBits
        var tmp1 = (z2 - z3) << constBits
        let tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2
        // Odd part.
        tmp0 = at(7)
        tmp1 = at(5)
        tmp2 = at(3)
        tmp3 = at(1)
        z1 = tmp0 + tmp3
        z2 = tmp1 + tmp2
        z3 = tmp0 + tmp2
        var z4 = tmp1 + tmp3
        let z5 = (z3 + z4) * 9633                      // FIX(1.175875602)
        tmp0 *= 2446                                   // FIX(0.298631336)
        tmp1 *= 16819                                  // FIX(2.053119869)
        tmp2 *= 25172                                  // FIX(3.072711026)
        tmp3 *= 12299                                  // FIX(1.501321110)
        z1 *= -7373                                    // FIX(0.899976223)
        z2 *= -20995                                   // FIX(2.562915447)
        z3 = z3 * -16069 + z5                          // FIX(1.961570560)
        z4 = z4 * -3196 + z5                           // FIX(0.390180644)
        tmp0 += z1 + z3
        tmp1 += z2 + z4
        tmp2 += z2 + z3
        tmp3 += z1 + z4
        let round = 1 << (descale - 1)
        return [tmp10 + tmp3, tmp11 + tmp2, tmp12 + tmp1, tmp13 + tmp0, tmp13 - tmp0, tmp12 - tmp1, tmp11 - tmp2, tmp10 - tmp3]
            .map { ($0 + round) >> descale }
    }

    /// The coefficients of one block of level-shifted samples (row-major in, row-major out; T.81 A.3.3).
    static func forward(_ samples: [Double]) -> [Double] {
        var rows = [Double](repeating: 0, count: 64), coefficients = [Double](repeating: 0, count: 64)
        for y in 0..<8 {
            for u in 0..<8 {
                var sum = 0.0
                for x in 0..<8 { sum += cosines[x * 8 + u] * samples[y * 8 + x] }
                rows[y * 8 + u] = sum
            }
        }
        for u in 0..<8 {
            for v in 0..<8 {
                var sum = 0.0
                for y in 0..<8 { sum += cosines[y * 8 + v] * rows[y * 8 + u] }
                coefficients[v * 8 + u] = sum
            }
        }
        return coefficients
    }
}
