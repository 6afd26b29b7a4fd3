/// A frame header SOFn (T.81 B.2.2) as the Swift JPEG decoders read it. What every process
/// requires is checked here; each decoder checks what its own process allows (precision,
/// sampling factors, component count).
struct JPEGFrameHeader {
    struct Component {
        let identifier: UInt8
        let horizontal: Int
        let vertical: Int
        let quantizationTable: Int
    }

    let precision: Int
    let rows: Int
    let columns: Int
    let components: [Component]

    /// The header in the body of the segment of `marker`: its length matches its component
    /// count, and no two components share an identifier.
    init(_ segment: ArraySlice<UInt8>, marker: UInt8, syntax: String) throws(CodecError) {
        let name = "SOF\(marker - 0xC0)", body = Array(segment)
        guard body.count >= 6 else {
            throw .malformed(syntax: syntax, reason: "the \(name) segment is \(body.count) bytes, shorter than its fixed part")
        }
        let count = Int(body[5])
        guard count > 0, body.count == 6 + 3 * count else {
            throw .malformed(syntax: syntax, reason: "the \(name) segment is \(body.count) bytes, not the \(6 + 3 * count) its \(count) components need")
        }
        var components: [Component] = []
        for index in 0..<count {
            let identifier = body[6 + 3 * index], sampling = body[7 + 3 * index]
            guard !components.contains(where: { $0.identifier == identifier }) else {
                throw .malformed(syntax: syntax, reason: "component \(identifier) is defined twice")
            }
            components.append(Component(identifier: identifier, horizontal: Int(sampling >> 4), vertical: Int(sampling & 0x0F),
                                        quantizationTable: Int(body[8 + 3 * index])))
        }
        precision = Int(body[0])
        rows = Int(body[1]) << 8 | Int(body[2])
        columns = Int(body[3]) << 8 | Int(body[4])
        self.components = components
    }

    /// Refuses a frame that is not the one the data set describes: its size, its component
    /// count, or samples wider than Bits Allocated.
    func check(against layout: FrameLayout, syntax: String) throws(CodecError) {
        guard rows == layout.rows, columns == layout.columns, components.count == layout.samplesPerPixel else {
            throw .layoutMismatch(syntax: syntax, reason: "the JPEG frame is \(columns)x\(rows) with \(components.count) components; the data set says "
                                  + "\(layout.columns)x\(layout.rows) with \(layout.samplesPerPixel) samples per pixel")
        }
        guard precision <= layout.bitsAllocated else {
            throw .layoutMismatch(syntax: syntax, reason: "\(precision)-bit JPEG samples do not fit in Bits Allocated \(layout.bitsAllocated)")
        }
    }
}
