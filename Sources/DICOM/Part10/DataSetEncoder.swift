/// Encodes data sets in one transfer syntax's element encoding (PS3.5 7). Sequences and items are
/// written with undefined length, so that private sequences stay sequences when read back in
/// implicit VR; deferred values stream from their file.
public struct DataSetEncoder: Sendable {
    public let explicitVR: Bool
    public let bigEndian: Bool

    public init(explicitVR: Bool, bigEndian: Bool = false) {
        self.explicitVR = explicitVR
        self.bigEndian = bigEndian
    }

    public init(_ syntax: TransferSyntax) {
        self.init(explicitVR: syntax.isExplicitVR, bigEndian: syntax.isBigEndian)
    }

    public func encode(_ dataSet: DataSet) throws -> [UInt8] {
        var sink = ByteArraySink()
        try encode(dataSet, into: &sink)
        return sink.bytes
    }

    public func encode<Sink: ByteSink>(_ dataSet: DataSet, into sink: inout Sink) throws {
        for element in dataSet {
            try encode(element, into: &sink)
        }
    }

    public func encode<Sink: ByteSink>(_ element: DataElement, into sink: inout Sink) throws {
        switch element.value {
        case .sequence(let items):
            try header(element.tag, vr: .SQ, length: 0xFFFF_FFFF, into: &sink)
            for item in items {
                try sink.write(delimiter(.item, length: 0xFFFF_FFFF))
                try encode(item, into: &sink)
                try sink.write(delimiter(.itemDelimitation, length: 0))
            }
            try sink.write(delimiter(.sequenceDelimitation, length: 0))
        case .encapsulated(let pixels):
            try header(element.tag, vr: element.vr, length: 0xFFFF_FFFF, into: &sink)
            for fragment in [pixels.basicOffsetTable] + pixels.fragments {
                let padded = fragment.count % 2
                try sink.write(delimiter(.item, length: UInt32(fragment.count + padded)))
                try fragment.forEachChunk { try sink.write($0) }
                if padded == 1 { try sink.write([0]) }
            }
            try sink.write(delimiter(.sequenceDelimitation, length: 0))
        case .bytes(let storage):
            let padded = storage.count % 2
            let length = storage.count + padded
            // A value too long for a 16-bit length field can only be written as UN in explicit VR.
            let vr = explicitVR && !element.vr.hasLongExplicitLength && length > 0xFFFF ? VR.UN : element.vr
            guard length < 0xFFFF_FFFF else {
                throw DICOMEncodingError.valueTooLong(tag: element.tag, length: length)
            }
            try header(element.tag, vr: vr, length: UInt32(length), into: &sink)
            let swap = bigEndian ? element.vr.binaryWordSize : nil
            try storage.forEachChunk { chunk in
                if let swap {
                    var swapped = chunk
                    ByteOrder.swapInPlace(&swapped, wordSize: swap)
                    try sink.write(swapped)
                } else {
                    try sink.write(chunk)
                }
            }
            if padded == 1 { try sink.write([element.vr.paddingByte]) }
        }
    }

    private func header<Sink: ByteSink>(_ tag: Tag, vr: VR, length: UInt32, into sink: inout Sink) throws {
        try sink.write(header(tag, vr: vr, length: length))
    }

    /// An element's tag, VR (explicit only) and length, as `Part10Writer` writes before a value it streams.
    func header(_ tag: Tag, vr: VR, length: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12)
        append16(tag.group, to: &bytes)
        append16(tag.element, to: &bytes)
        if explicitVR {
            let (b0, b1) = vr.bytes
            bytes.append(b0)
            bytes.append(b1)
            if vr.hasLongExplicitLength {
                bytes.append(contentsOf: [0, 0])
                append32(length, to: &bytes)
            } else {
                append16(UInt16(length), to: &bytes)
            }
        } else {
            append32(length, to: &bytes)
        }
        return bytes
    }

    func delimiter(_ tag: Tag, length: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        append16(tag.group, to: &bytes)
        append16(tag.element, to: &bytes)
        append32(length, to: &bytes)
        return bytes
    }

    private func append16(_ value: UInt16, to bytes: inout [UInt8]) {
        let v = bigEndian ? value.byteSwapped : value
        LittleEndian.append(v, to: &bytes)
    }

    private func append32(_ value: UInt32, to bytes: inout [UInt8]) {
        let v = bigEndian ? value.byteSwapped : value
        LittleEndian.append(v, to: &bytes)
    }
}

public enum DICOMEncodingError: Error, Sendable, CustomStringConvertible {
    case valueTooLong(tag: Tag, length: Int)
    case unsupportedTransferSyntax(TransferSyntax)

    public var description: String {
        switch self {
        case let .valueTooLong(tag, length):
            "\(tag) is \(length) bytes long, more than a DICOM length field can hold"
        case .unsupportedTransferSyntax(let syntax):
            "cannot write \(syntax): \(syntax.isDeflated ? "deflated" : "this") encoding is not supported for writing"
        }
    }
}
