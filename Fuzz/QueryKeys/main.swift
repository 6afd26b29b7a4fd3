#if canImport(Glibc)
import Glibc
#endif
@testable import Archive
import DICOM
@testable import DICOMNetwork
import FuzzerDriver
@testable import Web

/// What turns a query into matching keys, and the keys into SQL and matches. The input's first
/// byte chooses the source and the matching options; the rest is either a C-FIND identifier
/// (implicit VR little endian, as the C-FIND SCP receives it) or a QIDO-RS query string
/// ("name=value&…", already percent-decoded, as Hummingbird hands it over). The keys read are
/// turned into the index's SQL for both dialects and matched against a record.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzQueryKeys(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard let mode = bytes.first else { return 0 }
    let rest = Array(bytes.dropFirst())
    let options = QueryMatchingOptions(caseInsensitivePersonNames: mode & 0x02 != 0, relational: mode & 0x04 != 0,
                                       combinedDateTime: mode & 0x08 != 0, emptyValue: mode & 0x10 != 0,
                                       multipleValue: mode & 0x20 != 0)
    let identifier: DataSet
    let model: QueryRetrieveModel
    if mode & 0x01 == 0 {
        guard let decoded = try? DataSet(decoding: rest, transferSyntax: .implicitVRLittleEndian) else { return 0 }
        identifier = decoded
        model = mode & 0x40 == 0 ? .studyRoot : .patientRoot
    } else {
        let levels: [QueryRetrieveLevel] = [.study, .series, .image]
        let parameters = String(decoding: rest, as: UTF8.self).split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (name: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
        }
        guard let query = try? QIDOQuery(level: levels[Int(mode >> 6) % levels.count], parameters: parameters) else { return 0 }
        identifier = query.identifier
        model = .studyRoot
    }
    guard let keys = try? QueryIdentifier(identifier, model: model, operation: .find, options: options) else { return 0 }
    for dialect in [IndexDialect.sqlite, .postgres] {
        _ = QueryPlan(keys, studies: .everyStudy, dialect: dialect)
    }
    _ = keys.matches(record)
    return 0
}

/// One study's attributes, with values the wild cards, ranges and person-name rules can meet.
let record: DataSet = {
    var record = DataSet()
    for (tag, vr, value) in [(QueryTag.patientName, VR.PN, "Doe^Jane^^Dr"), (QueryTag.patientID, .LO, "ID_50%'\\*?"),
                             (QueryTag.studyDate, .DA, "20240229"), (QueryTag.studyTime, .TM, "101500.25"),
                             (QueryTag.accessionNumber, .SH, "A%1_"), (QueryTag.studyInstanceUID, .UI, "1.2.3.4"),
                             (QueryTag.modality, .CS, "CT"), (QueryTag.seriesInstanceUID, .UI, "1.2.3.4.5")] {
        record.insert(DataElement.text(tag, vr, [value]))
    }
    return record
}()

var arguments = CommandLine.argc
var values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &values, fuzzQueryKeys))
