import DICOM
import DICOMNetwork

/// 10,000 studies of one CT instance each, in memory, and the study-level C-FIND identifiers
/// of the matching benchmarks. Names, IDs and dates are synthetic.
enum SyntheticStudies {
    static let count = 10_000

    /// The instances' attributes (Patient, Study, Series and SOP Common modules): the records a
    /// Study Root C-FIND at STUDY level is matched against.
    static let records: [DataSet] = (0..<count).map(record)

    /// The same records as the test SCP's in-memory index holds them.
    static let index = InstanceIndex(records.enumerated().compactMap { number, attributes in
        InstanceIndex.Entry(attributes: attributes, location: "memory:\(number)")
    })

    /// One identifier per kind of key the C-FIND figures use, with the number of
    /// studies it matches by construction of the records.
    static let identifiers: [(name: String, query: QueryIdentifier, matches: Int)] = [
        // Patient 42 of 2,000 has every 2,000th study.
        ("exact ID", query(Tag(0x0010, 0x0020), .LO, "PID00042"), 5),
        // One patient in eight is a BRAVO.
        ("wildcard name", query(Tag(0x0010, 0x0010), .PN, "BRAVO*"), 1_250),
        // One study in ten is in 2020 (1,000), and its month cycles through twelve: 83 full
        // years of six months in range, then four more months, all in range.
        ("date range", query(Tag(0x0008, 0x0020), .DA, "20200101-20200630"), 502),
    ]

    /// Throws unless both ways of matching find `expected` studies for `query`: a benchmark that
    /// matches nothing would time the wrong work.
    static func verify(_ name: String, _ query: QueryIdentifier, matches expected: Int) throws(SyntheticInputError) {
        let matched = records.count(where: query.matches)
        let found = index.find(query).count
        guard matched == expected, found == expected else {
            throw .unexpectedMatches(query: name, expected: expected, matched: matched, found: found)
        }
    }

    private static let familyNames = ["ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT", "GOLF", "HOTEL"]

    private static func record(_ number: Int) -> DataSet {
        let patient = number % 2_000
        // Ten years of dates, so a six-month range matches about one study in twenty.
        let date = "\(2015 + number % 10)" + digits(1 + number / 10 % 12, 2) + digits(1 + number / 120 % 28, 2)
        return DataSet([
            .uid(Tag(0x0008, 0x0016), "1.2.840.10008.5.1.4.1.1.2"),
            .uid(Tag(0x0008, 0x0018), "2.25.4\(number)"),
            .text(Tag(0x0008, 0x0020), .DA, [date]),
            .text(Tag(0x0008, 0x0030), .TM, ["093000"]),
            .text(Tag(0x0008, 0x0050), .SH, ["ACC\(number)"]),
            .text(Tag(0x0008, 0x0060), .CS, ["CT"]),
            .text(Tag(0x0010, 0x0010), .PN, ["\(familyNames[patient % familyNames.count])^P\(patient)"]),
            .text(Tag(0x0010, 0x0020), .LO, ["PID" + digits(patient, 5)]),
            .text(Tag(0x0010, 0x0030), .DA, ["19700101"]),
            .uid(Tag(0x0020, 0x000D), "2.25.5\(number)"),
            .uid(Tag(0x0020, 0x000E), "2.25.6\(number)"),
            .text(Tag(0x0020, 0x0010), .SH, ["S\(number)"]),
            .text(Tag(0x0020, 0x0011), .IS, ["1"]),
            .text(Tag(0x0020, 0x0013), .IS, ["1"]),
        ])
    }

    /// `value` in decimal, zero-padded to `width` digits.
    private static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// A Study Root identifier at STUDY level with one matching key and the Study Instance UID
    /// to return.
    private static func query(_ tag: Tag, _ vr: VR, _ value: String) -> QueryIdentifier {
        let identifier = DataSet([
            .text(Tag(0x0008, 0x0052), .CS, ["STUDY"]),
            .uid(Tag(0x0020, 0x000D), ""),
            .text(tag, vr, [value]),
        ])
        do {
            return try QueryIdentifier(identifier, model: .studyRoot)
        } catch {
            preconditionFailure("the synthetic identifier is refused: \(error)")
        }
    }
}
