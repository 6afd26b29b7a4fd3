import DICOM
import DICOMNetwork
import HTTPTypes

/// The answer to a STOW-RS request (PS3.18 10.5.3): what each part became, the status that sums
/// it up, and the Store Instances Response data set (Table 10.5.3-2) that lists it.
struct StoreResponse: Sendable {
    enum Item: Sendable, Hashable {
        /// Archived (or already archived and kept): durable when this is reported (DESIGN.md rule 5).
        case stored(sopClassUID: String, sopInstanceUID: String, studyUID: String, seriesUID: String)
        /// Not archived, with the C-STORE status that says why (PS3.4 Table B.2-1); UIDs empty
        /// when the part could not be read far enough to name them.
        case failed(sopClassUID: String, sopInstanceUID: String, reason: DIMSEStatus)
    }

    /// The request's path prefix, "/dicomweb", that Retrieve URLs start with.
    let prefix: String
    /// The study the request path named, if any.
    let studyUID: String?
    private(set) var items: [Item] = []

    init(prefix: String, studyUID: String?) {
        self.prefix = prefix
        self.studyUID = studyUID
    }

    mutating func append(_ item: Item) { items.append(item) }

    /// 200 when every instance was stored, 409 when none was, 202 otherwise (PS3.18 10.5.3.1).
    var status: HTTPResponse.Status {
        let stored = items.filter { if case .stored = $0 { true } else { false } }.count
        if stored == items.count { return .ok }
        return stored == 0 ? .conflict : .accepted
    }

    /// The response data set: the study's Retrieve URL when one study is concerned, the stored
    /// instances with theirs, and the failed ones with their Failure Reason.
    var dataSet: DataSet {
        var referenced: [DataSet] = []
        var failed: [DataSet] = []
        var studies: [String] = []
        for item in items {
            switch item {
            case let .stored(sopClass, sopInstance, study, series):
                var entry = Self.reference(sopClass, sopInstance)
                entry.insert(.text(WebTag.retrieveURL, .UR, ["\(prefix)/studies/\(study)/series/\(series)/instances/\(sopInstance)"]))
                referenced.append(entry)
                if !studies.contains(study) { studies.append(study) }
            case let .failed(sopClass, sopInstance, reason):
                var entry = Self.reference(sopClass, sopInstance)
                let code = reason.rawValue
                entry.insert(DataElement(tag: WebTag.failureReason, vr: .US, bytes: [UInt8(code & 0xFF), UInt8(code >> 8)]))
                failed.append(entry)
            }
        }
        var dataSet = DataSet()
        if let study = studyUID ?? (studies.count == 1 ? studies[0] : nil) {
            dataSet.insert(.text(WebTag.retrieveURL, .UR, ["\(prefix)/studies/\(study)"]))
        }
        if !failed.isEmpty { dataSet.insert(DataElement(tag: WebTag.failedSOPSequence, items: failed)) }
        if !referenced.isEmpty { dataSet.insert(DataElement(tag: WebTag.referencedSOPSequence, items: referenced)) }
        return dataSet
    }

    private static func reference(_ sopClass: String, _ sopInstance: String) -> DataSet {
        var entry = DataSet()
        entry.insert(.uid(WebTag.referencedSOPClassUID, sopClass))
        entry.insert(.uid(WebTag.referencedSOPInstanceUID, sopInstance))
        return entry
    }
}
