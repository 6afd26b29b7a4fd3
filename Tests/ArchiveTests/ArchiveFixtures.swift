import Access
import DICOM
import DICOMNetwork
import Foundation
@testable import Archive

/// Synthetic objects with made-up names, written as Part 10 files to a fresh temporary folder.
struct ArchiveFixtures {
    static let ctImage = "1.2.840.10008.5.1.4.1.1.2"
    static let mrImage = "1.2.840.10008.5.1.4.1.1.4"

    struct Instance {
        var patientID: String
        var patientName: String
        var birthDate: String
        var sex: String
        var study: String
        var studyDate: String
        var accession: String
        var studyDescription: String
        var series: String
        var modality: String
        var seriesNumber: String
        var sop: String
        var sopClass: String
        var instanceNumber: String
        var characterSet: String? = nil
    }

    static let instances: [Instance] = [
        Instance(patientID: "PAT1", patientName: "DOE^JANE", birthDate: "19750412", sex: "F",
                 study: "1.2.826.0.1.1", studyDate: "20240105", accession: "ACC1", studyDescription: "Chest CT",
                 series: "1.2.826.0.1.1.1", modality: "CT", seriesNumber: "1", sop: "1.2.826.0.1.1.1.1", sopClass: ctImage, instanceNumber: "1"),
        Instance(patientID: "PAT1", patientName: "DOE^JANE", birthDate: "19750412", sex: "F",
                 study: "1.2.826.0.1.1", studyDate: "20240105", accession: "ACC1", studyDescription: "Chest CT",
                 series: "1.2.826.0.1.1.1", modality: "CT", seriesNumber: "1", sop: "1.2.826.0.1.1.1.2", sopClass: ctImage, instanceNumber: "2"),
        Instance(patientID: "PAT1", patientName: "DOE^JANE", birthDate: "19750412", sex: "F",
                 study: "1.2.826.0.1.1", studyDate: "20240105", accession: "ACC1", studyDescription: "Chest CT",
                 series: "1.2.826.0.1.1.2", modality: "MR", seriesNumber: "2", sop: "1.2.826.0.1.1.2.1", sopClass: mrImage, instanceNumber: "1"),
        Instance(patientID: "PAT1", patientName: "DOE^JANE", birthDate: "", sex: "F",
                 study: "1.2.826.0.1.2", studyDate: "20230611", accession: "ACC2", studyDescription: "Head MR",
                 series: "1.2.826.0.1.2.1", modality: "MR", seriesNumber: "1", sop: "1.2.826.0.1.2.1.1", sopClass: mrImage, instanceNumber: "1"),
        Instance(patientID: "PAT2", patientName: "ROE^RICHARD", birthDate: "19601130", sex: "M",
                 study: "1.2.826.0.2.1", studyDate: "20240320", accession: "B77", studyDescription: "Abdomen [contrast]",
                 series: "1.2.826.0.2.1.1", modality: "CT", seriesNumber: "3", sop: "1.2.826.0.2.1.1.1", sopClass: ctImage, instanceNumber: "7"),
        Instance(patientID: "PAT3", patientName: "Müller^Jörg", birthDate: "19881201", sex: "M",
                 study: "1.2.826.0.3.1", studyDate: "20221231", accession: "", studyDescription: "Knee",
                 series: "1.2.826.0.3.1.1", modality: "MR", seriesNumber: "1", sop: "1.2.826.0.3.1.1.1", sopClass: mrImage,
                 instanceNumber: "1", characterSet: "ISO_IR 192"),
    ]

    let folder: String
    let backend: IndexBackend
    /// The PostgreSQL schema of this fixture's index: every reopening finds the same one.
    let schema: String

    /// `schema` shares the PostgreSQL index of another fixture (two nodes on one index).
    init(backend: IndexBackend = .sqlite, schema: String? = nil) throws {
        self.backend = backend
        self.schema = schema ?? "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("archive-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    var archiveFolder: String { folder + "/archive" }

    /// The file of a plain local blob.
    func blobFile(_ instance: StoredInstance) -> String { archiveFolder + "/blobs/" + instance.blobPath }

    /// Every file in the local blob folder, relative to it.
    func blobFiles() throws -> [String] { try BlobStore(root: archiveFolder + "/blobs").allFiles() }

    /// Opens (or reopens) this fixture's archive on its back end.
    func archive(duplicatePolicy: DuplicatePolicy = .keep) throws -> Archive {
        try Archive(directory: archiveFolder, duplicatePolicy: duplicatePolicy, index: backend.location(schema: schema))
    }

    static func dataSet(_ instance: Instance) -> DataSet {
        var dataSet = DataSet()
        if let characterSet = instance.characterSet { dataSet.insert(.text(Tag(0x0008, 0x0005), .CS, [characterSet])) }
        dataSet.insert(.uid(Tag(0x0008, 0x0016), instance.sopClass))
        dataSet.insert(.uid(Tag(0x0008, 0x0018), instance.sop))
        dataSet.insert(.text(Tag(0x0008, 0x0020), .DA, [instance.studyDate]))
        dataSet.insert(.text(Tag(0x0008, 0x0030), .TM, ["101500"]))
        dataSet.insert(.text(Tag(0x0008, 0x0050), .SH, [instance.accession]))
        dataSet.insert(.text(Tag(0x0008, 0x0060), .CS, [instance.modality]))
        dataSet.insert(.text(Tag(0x0008, 0x0090), .PN, ["SMITH^ANNA"]))
        dataSet.insert(.text(Tag(0x0008, 0x1030), .LO, [instance.studyDescription]))
        dataSet.insert(.text(Tag(0x0008, 0x103E), .LO, ["Series \(instance.seriesNumber)"]))
        dataSet.insert(DataElement(tag: Tag(0x0010, 0x0010), vr: .PN, bytes: padded(instance.patientName)))
        dataSet.insert(.text(Tag(0x0010, 0x0020), .LO, [instance.patientID]))
        dataSet.insert(.text(Tag(0x0010, 0x0030), .DA, [instance.birthDate]))
        dataSet.insert(.text(Tag(0x0010, 0x0040), .CS, [instance.sex]))
        dataSet.insert(.uid(Tag(0x0020, 0x000D), instance.study))
        dataSet.insert(.uid(Tag(0x0020, 0x000E), instance.series))
        dataSet.insert(.text(Tag(0x0020, 0x0010), .SH, ["S1"]))
        dataSet.insert(.text(Tag(0x0020, 0x0011), .IS, [instance.seriesNumber]))
        dataSet.insert(.text(Tag(0x0020, 0x0013), .IS, [instance.instanceNumber]))
        dataSet.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OW, bytes: [UInt8](repeating: 7, count: 64)))
        return dataSet
    }

    /// UTF-8 bytes padded with a space: PN in ISO_IR 192 or ASCII.
    static func padded(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8)
        if bytes.count % 2 == 1 { bytes.append(0x20) }
        return bytes
    }

    /// Writes a data set as a Part 10 file and returns its path.
    func write(_ dataSet: DataSet, name: String) throws -> String {
        let path = folder + "/" + name + ".dcm"
        try DICOMFile(meta: DataSet(), dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).write(toPath: path)
        return path
    }

    /// Every fixture written, in order.
    func writeAll() throws -> [String] {
        try Self.instances.enumerated().map { try write(Self.dataSet($1), name: "in-\($0)") }
    }

    /// `count` objects of the fixtures' patients and studies, each with a SOP Instance UID of its
    /// own (`root.n`), written as files: with their paths.
    func numbered(_ count: Int, root: String) throws -> [(instance: Instance, path: String)] {
        try (0..<count).map { number in
            var instance = Self.instances[number % Self.instances.count]
            instance.sop = "\(root).\(number)"
            return (instance, try write(Self.dataSet(instance), name: "n\(number)"))
        }
    }

    /// Stores the files all at once, each from a task of its own: each SOP Instance UID with
    /// its outcome, or the error its store threw.
    static func storeAtOnce(_ objects: [(instance: Instance, path: String)], in archive: Archive,
                            grant: Grant) async -> [String: Result<StoreOutcome, any Error>] {
        await withTaskGroup(of: (String, Result<StoreOutcome, any Error>).self) { group in
            for (instance, path) in objects {
                group.addTask {
                    do {
                        return (instance.sop, .success(try await archive.store(file: path, moving: false, grant: grant)))
                    } catch {
                        return (instance.sop, .failure(error))
                    }
                }
            }
            return await group.reduce(into: [String: Result<StoreOutcome, any Error>]()) { $0[$1.0] = $1.1 }
        }
    }

    /// The in-memory reference over the same objects.
    static func referenceIndex(_ instances: [Instance] = ArchiveFixtures.instances) -> InstanceIndex {
        InstanceIndex(instances.map { InstanceIndex.Entry(attributes: dataSet($0), location: $0.sop)! })
    }

    static func grant(_ action: AccessAction) async throws -> Grant {
        try await Gate(registry: AERegistry(), recorder: MemoryDecisionRecorder())
            .decide(AccessContext(principal: .localOperator, channel: .cli, peerAddress: "local", authentication: .none), action)
    }

    /// A query identifier from (tag, VR, value) keys.
    static func query(_ level: String, _ model: QueryRetrieveModel, _ keys: [(Tag, VR, String)],
                      operation: QueryRetrieveOperation = .find, characterSet: String? = nil,
                      options: QueryMatchingOptions = .baseline) throws -> QueryIdentifier {
        var identifier = DataSet()
        identifier.insert(.text(Tag(0x0008, 0x0052), .CS, [level]))
        if let characterSet { identifier.insert(.text(Tag(0x0008, 0x0005), .CS, [characterSet])) }
        for (tag, vr, value) in keys {
            identifier.insert(vr == .UI ? .uid(tag, value) : DataElement(tag: tag, vr: vr, bytes: padded(value)))
        }
        return try QueryIdentifier(identifier, model: model, operation: operation, options: options)
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}
