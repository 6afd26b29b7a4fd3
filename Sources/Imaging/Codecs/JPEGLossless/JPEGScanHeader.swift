/// A scan header SOS (T.81 B.2.3): the frame components the scan codes, each with its Huffman
/// tables, and the parameters the decoders use.
struct JPEGScanHeader {
    struct Component {
        let identifier: UInt8
        let dcTable: Int
        let acTable: Int
    }

    let components: [Component]
    /// Ss: the first coefficient of a DCT scan; in a lossless scan, the predictor.
    let spectralStart: Int
    /// Al: the point transform of a lossless scan.
    let pointTransform: Int

    /// The header in an SOS segment's body, whose length must match its component count (1 to 4).
    init(_ segment: ArraySlice<UInt8>, syntax: String) throws(CodecError) {
        let body = Array(segment)
        guard let count = body.first.map(Int.init), (1...4).contains(count), body.count == 4 + 2 * count else {
            throw .malformed(syntax: syntax, reason: "the SOS segment's length does not match its component count")
        }
        components = (0..<count).map { position in
            let tables = body[2 + 2 * position]
            return Component(identifier: body[1 + 2 * position], dcTable: Int(tables >> 4), acTable: Int(tables & 0x0F))
        }
        spectralStart = Int(body[1 + 2 * count])
        pointTransform = Int(body[3 + 2 * count] & 0x0F)
    }

    /// Where each of the scan's components is in `frame`, in scan order; each must be a
    /// component of the frame, named once.
    func frameIndices(in frame: JPEGFrameHeader, syntax: String) throws(CodecError) -> [Int] {
        var indices: [Int] = []
        for component in components {
            guard let index = frame.components.firstIndex(where: { $0.identifier == component.identifier }), !indices.contains(index) else {
                throw .malformed(syntax: syntax, reason: "the scan names component \(component.identifier), not a component of the frame or named twice")
            }
            indices.append(index)
        }
        return indices
    }
}
