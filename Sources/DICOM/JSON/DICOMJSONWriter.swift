/// Writes data sets in the DICOM JSON Model (PS3.18 Annex F), streaming: bulk values, including
/// deferred ones of any size, are base64-encoded a chunk at a time straight into the sink.
///
/// The output follows PS3.18 F.2 and, where the standard leaves room, what pydicom's
/// `Dataset.to_json` writes and `Dataset.from_json` reads:
/// - an object keyed by "GGGGEEEE" in tag order; each attribute has "vr" and, when it has a value,
///   "Value", "InlineBinary" or "BulkDataURI". Group length elements (gggg,0000) are left out, as
///   PS3.18 F.2 requires (pydicom keeps them; `Options.includeGroupLengths` does too).
/// - text decoded with the Specific Character Set (0008,0005), which sequence items inherit unless
///   they have their own; an empty value among several is null (F.2.5).
/// - PN values as objects with "Alphabetic", "Ideographic" and "Phonetic" (F.2.2).
/// - DS as JSON numbers, their text kept except where JSON forbids it ("+5" → 5, ".5" → 0.5,
///   "1." → 1.0); a DS that is no number at all is written as a string, as CP 1861 allows.
///   IS as JSON integers ("+007" → 7).
/// - AT as "GGGGEEEE"; US, SS, UL, SL, UV, SV, FL and FD as numbers, 64-bit integers exactly,
///   FL as the double it widens to (0.1f → 0.10000000149011612), as pydicom writes them.
/// - OB, OD, OF, OL, OV, OW and UN as "InlineBinary", unless `Options.bulkDataURI` gives a URI;
///   encapsulated pixel data as its items (offset table and fragments, without the sequence
///   delimiter), the value pydicom reads.
public struct DICOMJSONWriter: Sendable {
    /// How FL and FD values that are NaN or infinite are written; JSON has no spelling for them.
    public enum NonFiniteNumbers: Sendable, Equatable {
        /// NaN, Infinity, -Infinity as bare tokens, as Python's json module writes and reads them
        /// (and so pydicom). Not valid JSON for strict parsers.
        case pythonTokens
        /// "NaN", "Infinity", "-Infinity" as strings: valid JSON; this reader takes them back.
        case strings
        /// null: valid JSON, but the value is lost.
        case null
    }

    public struct Options: Sendable {
        /// Newlines and two-space indentation; compact otherwise.
        public var pretty: Bool
        /// Called for each bulk value (and encapsulated pixel data): a URI to write as
        /// "BulkDataURI", or nil to write the value inline.
        public var bulkDataURI: BulkDataURIProvider?
        public var nonFiniteNumbers: NonFiniteNumbers
        /// Whether to write group length elements (gggg,0000) found in the data set, which
        /// PS3.18 F.2 leaves out of the model and pydicom's `to_json` keeps.
        public var includeGroupLengths: Bool

        public init(pretty: Bool = false, bulkDataURI: BulkDataURIProvider? = nil,
                    nonFiniteNumbers: NonFiniteNumbers = .pythonTokens, includeGroupLengths: Bool = false) {
            self.pretty = pretty
            self.bulkDataURI = bulkDataURI
            self.nonFiniteNumbers = nonFiniteNumbers
            self.includeGroupLengths = includeGroupLengths
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Writes one data set as a JSON object.
    public func write<Sink: ByteSink>(_ dataSet: DataSet, to sink: inout Sink,
                                      characterSet: SpecificCharacterSet = .default) throws {
        var emitter = JSONEmitter(sink: sink, pretty: options.pretty)
        try write(dataSet, steps: [], inherited: characterSet, to: &emitter)
        sink = try emitter.finish()
    }

    /// Writes data sets as a JSON array of objects, the form DICOMweb responses take (PS3.18 F.2.1).
    public func write<Sink: ByteSink>(_ dataSets: some Sequence<DataSet>, to sink: inout Sink,
                                      characterSet: SpecificCharacterSet = .default) throws {
        var emitter = JSONEmitter(sink: sink, pretty: options.pretty)
        try emitter.beginArray()
        for dataSet in dataSets {
            try write(dataSet, steps: [], inherited: characterSet, to: &emitter)
        }
        try emitter.endArray()
        sink = try emitter.finish()
    }

    public func bytes(_ dataSet: DataSet) throws -> [UInt8] {
        var sink = ByteArraySink()
        try write(dataSet, to: &sink)
        return sink.bytes
    }

    public func string(_ dataSet: DataSet) throws -> String {
        String(decoding: try bytes(dataSet), as: UTF8.self)
    }

    private func write<Sink>(_ dataSet: DataSet, steps: [ElementPath.Step], inherited: SpecificCharacterSet,
                             to emitter: inout JSONEmitter<Sink>) throws {
        let characterSet = CharacterSetScope.characterSet(of: dataSet, inherited: inherited)
        try emitter.beginObject()
        for element in dataSet where options.includeGroupLengths || !element.tag.isGroupLength {
            try emitter.key(element.tag.hex)
            try write(element, path: ElementPath(steps: steps, tag: element.tag), characterSet: characterSet, to: &emitter)
        }
        try emitter.endObject()
    }

    private func write<Sink>(_ element: DataElement, path: ElementPath, characterSet: SpecificCharacterSet,
                             to emitter: inout JSONEmitter<Sink>) throws {
        let rendered = try RenderedElement(element, characterSet: characterSet)
        try emitter.beginObject()
        try emitter.key("vr")
        try emitter.string(rendered.vr.rawValue)
        switch rendered.value {
        case .empty:
            break
        case .strings(let values):
            try emitter.key("Value")
            try emitter.beginArray()
            for value in values {
                guard let value else {
                    try emitter.null()
                    continue
                }
                switch rendered.vr {
                case .DS:
                    if let number = NumberText.jsonNumber(decimalString: value) {
                        try emitter.literal(number)
                    } else {
                        try emitter.string(value)
                    }
                case .IS:
                    if let number = NumberText.jsonInteger(integerString: value) {
                        try emitter.literal(number)
                    } else {
                        try emitter.string(value)
                    }
                default:
                    try emitter.string(value)
                }
            }
            try emitter.endArray()
        case .personNames(let names):
            try emitter.key("Value")
            try emitter.beginArray()
            for groups in names {
                guard let groups else {
                    try emitter.null()
                    continue
                }
                // Empty groups are left out, except the last, which keeps "A==" distinct from "A".
                try emitter.beginObject()
                for (index, group) in groups.prefix(3).enumerated() where !group.isEmpty || index == min(groups.count, 3) - 1 {
                    try emitter.key(PersonNameGroups.names[index])
                    try emitter.string(index == 2 ? groups[2...].joined(separator: "=") : group)
                }
                try emitter.endObject()
            }
            try emitter.endArray()
        case .numbers(let numbers):
            try emitter.key("Value")
            try emitter.beginArray()
            for number in numbers {
                try writeNumber(number, to: &emitter)
            }
            try emitter.endArray()
        case .items(let items):
            try emitter.key("Value")
            try emitter.beginArray()
            for (index, item) in items.enumerated() {
                try write(item, steps: path.steps + [ElementPath.Step(sequence: path.tag, item: index)],
                          inherited: characterSet, to: &emitter)
            }
            try emitter.endArray()
        case .bulk(let storage):
            try writeBulk(path, element, to: &emitter) { try InlineBinary.stream(storage, $0) }
        case .encapsulated(let pixels):
            try writeBulk(path, element, to: &emitter) { try InlineBinary.stream(pixels, $0) }
        }
        try emitter.endObject()
    }

    /// A BulkDataURI when the provider gives one, else the value inline in base64, streamed.
    private func writeBulk<Sink>(_ path: ElementPath, _ element: DataElement, to emitter: inout JSONEmitter<Sink>,
                                 stream: (([UInt8]) throws -> Void) throws -> Void) throws {
        if let uri = options.bulkDataURI?(path, element) {
            try emitter.key("BulkDataURI")
            try emitter.string(uri)
        } else {
            try emitter.key("InlineBinary")
            try emitter.beginRawString()
            try stream { try emitter.raw($0) }
            try emitter.endRawString()
        }
    }

    private func writeNumber<Sink>(_ number: RenderedElement.Number, to emitter: inout JSONEmitter<Sink>) throws {
        let token: String
        switch number {
        case .finite(let text):
            try emitter.literal(text)
            return
        case .nan: token = "NaN"
        case .infinity: token = "Infinity"
        case .negativeInfinity: token = "-Infinity"
        }
        switch options.nonFiniteNumbers {
        case .pythonTokens: try emitter.literal(token)
        case .strings: try emitter.string(token)
        case .null: try emitter.null()
        }
    }
}
