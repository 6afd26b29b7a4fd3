extension DICOMFile {
    /// Identifies Rampart as the writer of a file (PS3.7 D.3.3.2); a UUID-derived UID (PS3.5 B.2).
    public static let implementationClassUID = "2.25.323541408573454260616335267934795940365"
    public static let implementationVersionName = "RAMPART_010"

    /// The file meta information as written: version, SOP class and instance taken from the data
    /// set when absent, this transfer syntax, Rampart as the implementation, and the group length.
    public func metaForWriting() throws -> DataSet {
        var meta = DataSet(self.meta.filter { $0.tag.group == 0x0002 && $0.tag != .fileMetaInformationGroupLength })
        if meta[.fileMetaInformationVersion] == nil {
            meta.insert(DataElement(tag: .fileMetaInformationVersion, vr: .OB, bytes: [0x00, 0x01]))
        }
        if meta[.mediaStorageSOPClassUID] == nil, let uid = dataSet.string(.sopClassUID) {
            meta.insert(.uid(.mediaStorageSOPClassUID, uid))
        }
        if meta[.mediaStorageSOPInstanceUID] == nil, let uid = dataSet.string(.sopInstanceUID) {
            meta.insert(.uid(.mediaStorageSOPInstanceUID, uid))
        }
        meta.insert(.uid(.transferSyntaxUID, transferSyntax.uid))
        meta.insert(.uid(.implementationClassUID, Self.implementationClassUID))
        meta.insert(DataElement(tag: .implementationVersionName, vr: .SH, bytes: Self.padded(Self.implementationVersionName, vr: .SH)))
        let body = try DataSetEncoder(explicitVR: true).encode(meta)
        var length: [UInt8] = []
        LittleEndian.append(UInt32(body.count), to: &length)
        meta.insert(DataElement(tag: .fileMetaInformationGroupLength, vr: .UL, bytes: length))
        return meta
    }

    /// Encodes the whole file: a zeroed preamble (a preamble can carry an executable, CVE-2019-11687),
    /// "DICM", the meta group, and the data set in its transfer syntax.
    public func write<Sink: ByteSink>(into sink: inout Sink) throws {
        try sink.write([UInt8](repeating: 0, count: 128) + Array("DICM".utf8))
        try DataSetEncoder(explicitVR: true).encode(try metaForWriting(), into: &sink)
        try DataSet(dataSet.filter { $0.tag.group != 0x0002 }).encode(in: transferSyntax, into: &sink)
    }

    public func encoded() throws -> [UInt8] {
        var sink = ByteArraySink()
        try write(into: &sink)
        return sink.bytes
    }

    /// Writes the file; `durable` as in `FileSink.write(toPath:durable:_:)`.
    public func write(toPath path: String, durable: Bool = false) throws {
        try FileSink.write(toPath: path, durable: durable) { sink in
            var sink = sink
            try write(into: &sink)
        }
    }

    static func padded(_ text: String, vr: VR) -> [UInt8] {
        var bytes = Array(text.utf8)
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        return bytes
    }
}

extension DataElement {
    /// A UI element, NUL-padded to even length.
    public static func uid(_ tag: Tag, _ uid: String) -> DataElement {
        DataElement(tag: tag, vr: .UI, bytes: DICOMFile.padded(uid, vr: .UI))
    }

    /// A string element in the default repertoire, padded as its VR requires.
    public static func text(_ tag: Tag, _ vr: VR, _ values: [String]) -> DataElement {
        DataElement(tag: tag, vr: vr, bytes: DICOMFile.padded(values.joined(separator: "\\"), vr: vr))
    }
}
