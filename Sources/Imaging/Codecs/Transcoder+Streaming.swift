import DICOM

extension Transcoder {
    /// Writes `file` as a Part 10 file in `target` to `sink`, its Pixel Data a frame at a time:
    /// each frame read (from the file where `DICOMFile(contentsOf:)` left it), decoded, encoded,
    /// written and dropped, so memory holds about one frame whatever the number of frames. The
    /// result has the attributes and pixels of `transcode(_:from:to:)`; encapsulated Pixel Data
    /// differs only in its empty Basic Offset Table. `view` is applied to the data set as it is
    /// written (its Image Pixel attributes already those of `target`), as to the in-memory result:
    /// a Pixel Data it leaves alone is streamed, one it replaces or removes is written as it says.
    /// Returns the sink, to flush or sync.
    public func transcode<Sink: ByteSink>(_ file: DICOMFile, to target: TransferSyntax, showing view: (DataSet) -> DataSet = { $0 },
                                          into sink: Sink) throws -> Sink {
        let source = file.transferSyntax
        let encoder = try checkedEncoder(from: source, to: target)
        guard Self.convertsPixels(from: source, to: target), let sourcePixels = file.dataSet[ImagingTag.pixelData] else {
            var sink = sink
            try DICOMFile(meta: file.meta, dataSet: view(file.dataSet), transferSyntax: target).write(into: &sink)
            return sink
        }
        let frames = try SourceFrames(file.dataSet, syntax: source)
        let first = try frames.frame(1)
        var attributes = Self.withoutExtendedOffsetTable(file.dataSet)
        let writePixelData: (inout Part10Writer<Sink>) throws -> Void
        if let encoder {
            let firstEncoded = try Self.encode(first, number: 1, with: encoder)
            var nativeLength = first.bytes.count, encodedLength = firstEncoded.bytes.count
            // Lossy Image Compression Ratio comes before Pixel Data and needs every frame's size:
            // lossy targets are encoded twice, once to measure and once to write, which costs time
            // but not memory. Lossless targets do not need the sizes.
            if firstEncoded.lossyMethod != nil, frames.count > 1 {
                for number in 2...frames.count {
                    let frame = try frames.frame(number)
                    nativeLength += frame.bytes.count
                    encodedLength += try Self.encode(frame, number: number, with: encoder).bytes.count
                }
            }
            for element in Self.encapsulatedAttributes(firstEncoded, layout: first.layout, nativeLength: nativeLength, encodedLength: encodedLength) {
                attributes.insert(element)
            }
            writePixelData = { writer in
                try writer.beginEncapsulated(ImagingTag.pixelData)
                // An empty Basic Offset Table: a filled one precedes the fragments and so would need
                // every frame's size before the first is written (two encodings, or seeking back,
                // which a network sink cannot do). Empty is always valid (PS3.5 A.4), and with one
                // fragment per frame every reader (DCMTK, pydicom, EncapsulatedFrames) finds the frames.
                try writer.writeItem([])
                try writer.writeItem(firstEncoded.bytes)
                if frames.count > 1 {
                    for number in 2...frames.count {
                        try writer.writeItem(try Self.encode(try frames.frame(number), number: number, with: encoder).bytes)
                    }
                }
                try writer.endEncapsulated()
            }
        } else {
            for element in Self.nativeAttributes(first.layout) { attributes.insert(element) }
            let vr = Self.nativeVR(first.layout)
            // Every frame has the first one's length (checked as each is written), so the value's
            // length is known before its first byte.
            let length = first.bytes.count * frames.count
            writePixelData = { writer in
                try writer.beginValue(ImagingTag.pixelData, vr: vr, length: length + length % 2)
                try writer.writeValueBytes(first.bytes, vr: vr)
                if frames.count > 1 {
                    for number in 2...frames.count {
                        let frame = try frames.frame(number)
                        guard frame.bytes.count == first.bytes.count else {
                            throw TranscodeError.frameLengthChanged(frame: number, length: frame.bytes.count, firstFrameLength: first.bytes.count)
                        }
                        try writer.writeValueBytes(frame.bytes, vr: vr)
                    }
                }
                if length % 2 == 1 { try writer.writeValueBytes([0], vr: .OB) }
            }
        }

        let shown = view(attributes)
        let output = DICOMFile(meta: file.meta, dataSet: shown, transferSyntax: target)
        var writer = try Part10Writer(into: sink, fileMeta: output.metaForWriting(), transferSyntax: target)
        for element in shown where element.tag.group != 0x0002 {
            if element == sourcePixels {
                try writePixelData(&writer)
            } else {
                try writer.write(element)
            }
        }
        return try writer.finish()
    }
}
