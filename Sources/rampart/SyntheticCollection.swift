import DICOM

/// Made-up patients, studies, series and images for `rampart index bulk-load`: the distribution
/// of the benchmark's generator (`make_collection` in Tests/interop/netdata.py: one patient per
/// 60 instances, 1 to 3 studies each of the same kinds and weights, the same series and
/// instance counts scaled to the total, names, IDs `RMP<seed mod 1000>-C<n>`, dates 2014-2024,
/// accession numbers, descriptions left empty as often), as attribute-only data sets. Not the
/// same values: Python's random is not reproduced; deterministic in (seed, instances).
/// Every name is made up: no patient data.
struct SyntheticCollection: Sendable {
    struct SeriesKind: Sendable {
        let modality: String
        let sopClass: String
        let description: String
        let count: ClosedRange<Int>
        let size: Int
        let bits: Int

        init(_ modality: String, _ sopClass: String, _ description: String, _ count: ClosedRange<Int>, size: Int = 64, bits: Int = 16) {
            (self.modality, self.sopClass, self.description, self.count, self.size, self.bits) = (modality, sopClass, description, count, size, bits)
        }
    }

    struct StudyKind: Sendable {
        let code: String
        let description: String
        let weight: Int
        let series: [SeriesKind]
    }

    static let ct = "1.2.840.10008.5.1.4.1.1.2", mr = "1.2.840.10008.5.1.4.1.1.4", cr = "1.2.840.10008.5.1.4.1.1.1"
    static let dx = "1.2.840.10008.5.1.4.1.1.1.1", us = "1.2.840.10008.5.1.4.1.1.6.1", mg = "1.2.840.10008.5.1.4.1.1.1.2"
    static let pet = "1.2.840.10008.5.1.4.1.1.128"

    /// netdata.py's STUDY_KINDS.
    static let studyKinds = [
        StudyKind(code: "RMP-CT-CHEST", description: "CT CHEST W/O CONTRAST", weight: 4, series: [
            SeriesKind("CT", ct, "AXIAL 5mm", 30...60), SeriesKind("CT", ct, "CORONAL 3mm", 20...40), SeriesKind("CT", ct, "SCOUT", 1...2)]),
        StudyKind(code: "RMP-CT-HEAD", description: "CT HEAD W/O CONTRAST", weight: 3, series: [
            SeriesKind("CT", ct, "AXIAL 5mm", 20...40), SeriesKind("CT", ct, "BONE AXIAL 2mm", 20...40)]),
        StudyKind(code: "RMP-MR-BRAIN", description: "MR BRAIN W/WO CONTRAST", weight: 3, series: [
            SeriesKind("MR", mr, "T1 AX", 15...25), SeriesKind("MR", mr, "T2 FLAIR AX", 15...25), SeriesKind("MR", mr, "DWI", 10...20)]),
        StudyKind(code: "RMP-MR-KNEE", description: "MR KNEE RIGHT", weight: 2, series: [
            SeriesKind("MR", mr, "PD SAG", 15...25), SeriesKind("MR", mr, "T2 COR", 15...25)]),
        StudyKind(code: "RMP-CR-CHEST", description: "CR CHEST PA AND LATERAL", weight: 3, series: [
            SeriesKind("CR", cr, "PA", 1...1, size: 128), SeriesKind("CR", cr, "LATERAL", 1...1, size: 128)]),
        StudyKind(code: "RMP-DX-HAND", description: "DX HAND LEFT 3 VIEWS", weight: 2, series: [SeriesKind("DX", dx, "HAND LEFT", 3...3, size: 128)]),
        StudyKind(code: "RMP-US-ABD", description: "US ABDOMEN COMPLETE", weight: 2, series: [SeriesKind("US", us, "B-MODE", 4...12, bits: 8)]),
        StudyKind(code: "RMP-MG-SCREEN", description: "MG SCREENING BILATERAL", weight: 2, series: [
            SeriesKind("MG", mg, "R CC", 1...1, size: 128), SeriesKind("MG", mg, "L CC", 1...1, size: 128),
            SeriesKind("MG", mg, "R MLO", 1...1, size: 128), SeriesKind("MG", mg, "L MLO", 1...1, size: 128)]),
        StudyKind(code: "RMP-PETCT-WB", description: "PET/CT WHOLE BODY FDG", weight: 2, series: [
            SeriesKind("CT", ct, "CT AC WHOLE BODY", 30...50), SeriesKind("PT", pet, "PET WB AC", 30...50)]),
    ]
    /// netdata.py's COLLECTION_FAMILY_NAMES, COLLECTION_GIVEN_NAMES and REFERRING.
    static let familyNames = ["Lindqvist", "Okafor", "Tanaka", "Moreau", "Castellanos", "Novak", "Abernathy", "Kowalczyk", "Haddad",
                              "Fitzgerald", "de la Cruz", "O'Neill", "McAllister", "Ødegaard", "van der Berg", "Nakamura", "Adeyemi", "Brennan"]
    static let givenNames = ["Maja", "Daniel", "Hiro", "Elodie", "Mateo", "Petra", "Owen", "Zofia", "Karim", "Aoife",
                             "Ana", "Siobhan", "Ewan", "Signe", "Joost", "Yui", "Tunde", "Ciara"]
    static let referring = ["Quill^Harriet", "Barnes^Tobias", "Ngata^Wiremu", ""]

    struct Patient: Sendable {
        let name: String, id: String, birthDate: String, sex: String
    }

    struct Study: Sendable {
        let patient: Int
        let kind: StudyKind
        let uid: String, date: String, time: String, accession: String, studyID: String, description: String, referring: String
    }

    /// One series of the plan with its final instance count.
    struct Series: Sendable {
        let study: Int
        let index: Int
        let kind: SeriesKind
        let number: Int
        let instances: Int
    }

    let seed: UInt64
    /// The requested size, part of every UID (as in netdata.py).
    let instances: Int
    let patients: [Patient]
    let studies: [Study]
    let series: [Series]

    init(instances: Int, seed: UInt64) {
        precondition(instances >= 1, "validated by the command")
        self.seed = seed
        self.instances = instances
        var rng = SplitMix64(seed: seed &* 7919 &+ UInt64(instances))
        let families = rng.shuffled(Self.familyNames), givens = rng.shuffled(Self.givenNames)
        var patients: [Patient] = [], studies: [Study] = []
        var plan: [(study: Int, index: Int, kind: SeriesKind, desired: Int)] = []
        let totalWeight = Self.studyKinds.map(\.weight).reduce(0, +)
        for p in 0..<max(3, instances / 60) where plan.count < instances {
            var name = "\(families[p % families.count])^\(givens[(p * 5 + p / families.count) % givens.count])"
            if p % 5 == 2 { name = name.uppercased() }  // as many modalities write it
            patients.append(Patient(name: name, id: "RMP\(Self.digits(Int(seed % 1000), 3))-C\(Self.digits(p + 1, 3))",
                                    birthDate: "\(rng.int(1935...2010))\(Self.digits(rng.int(1...12), 2))\(Self.digits(rng.int(1...28), 2))",
                                    sex: ["F", "M", "F", "M", "O"][rng.int(0...4)]))
            for s in 0..<[1, 1, 2, 2, 3][rng.int(0...4)] {
                var pick = rng.int(0...(totalWeight - 1))
                let kind = Self.studyKinds.first { pick -= $0.weight; return pick < 0 }!
                let number = studies.count, year = rng.int(2014...2024)
                studies.append(Study(
                    patient: p, kind: kind, uid: Self.uid(seed, instances, 1, p, s),
                    date: "\(year)\(Self.digits(rng.int(1...12), 2))\(Self.digits(rng.int(1...28), 2))",
                    time: Self.digits(rng.int(7...19), 2) + Self.digits(rng.int(0...59), 2) + Self.digits(rng.int(0...59), 2),
                    accession: "A\(Self.digits(year % 100, 2))\(Self.digits(rng.int(0...999_999), 6))",
                    studyID: number % 5 == 4 ? "" : String(rng.int(100...99_999)),
                    description: number % 6 == 5 ? "" : kind.description,
                    referring: Self.referring[rng.int(0...(Self.referring.count - 1))]))
                for (index, kind) in kind.series.enumerated() {
                    plan.append((studies.count - 1, index, kind, rng.int(kind.count)))
                }
            }
        }
        plan = Array(plan.prefix(instances))
        let counts = Self.scaled(plan.map(\.desired), to: instances)
        self.patients = patients
        self.studies = studies
        series = zip(plan.indices, zip(plan, counts)).map { number, entry in
            Series(study: entry.0.study, index: entry.0.index, kind: entry.0.kind, number: number, instances: entry.1)
        }
    }

    /// The series in batches of at least `size` instances (fewer in the last), cut between
    /// patients so that batches filed at once never merge into the same rows.
    func batches(of size: Int) -> [[Series]] {
        var batches: [[Series]] = [], current: [Series] = [], instances = 0
        for series in series {
            if instances >= size, let last = current.last, studies[last.study].patient != studies[series.study].patient {
                batches.append(current)
                current = []
                instances = 0
            }
            current.append(series)
            instances += series.instances
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// The data sets of one series, in instance order.
    func dataSets(of series: Series) -> [DataSet] {
        let study = studies[series.study], patient = patients[study.patient], kind = series.kind
        let seriesUID = Self.uid(seed, instances, 2, series.study, series.index)
        let frameOfReference = Self.uid(seed, instances, 3, series.study, 0)
        let volume = ["CT", "MR", "PT"].contains(kind.modality)
        var procedure = DataSet()
        procedure.insert(.text(Tag(0x0008, 0x0100), .SH, [study.kind.code]))
        procedure.insert(.text(Tag(0x0008, 0x0102), .SH, ["99RMP"]))
        procedure.insert(.text(Tag(0x0008, 0x0104), .LO, [study.kind.description]))
        var common = DataSet()
        common.insert(.text(Tag(0x0008, 0x0005), .CS, ["ISO_IR 192"]))
        common.insert(.text(Tag(0x0008, 0x0008), .CS, ["ORIGINAL", "PRIMARY", volume ? "AXIAL" : ""]))
        common.insert(.uid(Tag(0x0008, 0x0016), kind.sopClass))
        for tag in [Tag(0x0008, 0x0020), Tag(0x0008, 0x0021), Tag(0x0008, 0x0023)] { common.insert(.text(tag, .DA, [study.date])) }
        for tag in [Tag(0x0008, 0x0030), Tag(0x0008, 0x0031), Tag(0x0008, 0x0033)] { common.insert(.text(tag, .TM, [study.time])) }
        common.insert(.text(Tag(0x0008, 0x0050), .SH, [study.accession]))
        common.insert(.text(Tag(0x0008, 0x0060), .CS, [kind.modality]))
        common.insert(.text(Tag(0x0008, 0x0070), .LO, ["RAMPART-BULK"]))
        common.insert(.text(Tag(0x0008, 0x0080), .LO, ["Rampart Synthetic Hospital"]))
        common.insert(.text(Tag(0x0008, 0x0090), .PN, [study.referring]))
        common.insert(.text(Tag(0x0008, 0x1030), .LO, [study.description]))
        common.insert(.text(Tag(0x0008, 0x103E), .LO, [series.number % 9 == 8 ? "" : kind.description]))
        common.insert(DataElement(tag: Tag(0x0008, 0x1032), items: [procedure]))
        common.insert(.text(Tag(0x0010, 0x0010), .PN, [patient.name]))
        common.insert(.text(Tag(0x0010, 0x0020), .LO, [patient.id]))
        common.insert(.text(Tag(0x0010, 0x0030), .DA, [patient.birthDate]))
        common.insert(.text(Tag(0x0010, 0x0040), .CS, [patient.sex]))
        common.insert(.uid(Tag(0x0020, 0x000D), study.uid))
        common.insert(.uid(Tag(0x0020, 0x000E), seriesUID))
        common.insert(.text(Tag(0x0020, 0x0010), .SH, [study.studyID]))
        common.insert(.text(Tag(0x0020, 0x0011), .IS, [String(series.index + 1)]))
        if volume {
            common.insert(.uid(Tag(0x0020, 0x0052), frameOfReference))
            common.insert(.text(Tag(0x0020, 0x0037), .DS, ["1", "0", "0", "0", "1", "0"]))
            common.insert(.text(Tag(0x0028, 0x0030), .DS, ["3.75", "3.75"]))
            common.insert(.text(Tag(0x0018, 0x0050), .DS, ["5"]))
        }
        for (tag, value) in [(Tag(0x0028, 0x0002), 1), (Tag(0x0028, 0x0010), kind.size), (Tag(0x0028, 0x0011), kind.size),
                             (Tag(0x0028, 0x0100), kind.bits), (Tag(0x0028, 0x0101), kind.bits == 16 ? 12 : 8),
                             (Tag(0x0028, 0x0102), kind.bits == 16 ? 11 : 7), (Tag(0x0028, 0x0103), 0)] {
            common.insert(DataElement(tag: tag, vr: .US, bytes: [UInt8(value & 0xFF), UInt8(value >> 8)]))
        }
        common.insert(.text(Tag(0x0028, 0x0004), .CS, ["MONOCHROME2"]))
        return (0..<series.instances).map { n in
            var dataSet = common
            dataSet.insert(.uid(Tag(0x0008, 0x0018), Self.uid(seed, instances, 4, series.study, series.index, n)))
            dataSet.insert(.text(Tag(0x0020, 0x0013), .IS, [String(n + 1)]))
            if volume { dataSet.insert(.text(Tag(0x0020, 0x0032), .DS, ["-120", "-120", String(-50 + 5 * n)])) }
            return dataSet
        }
    }

    /// `desired` scaled to sum to `total`, each at least 1: netdata.py's `_scaled`.
    static func scaled(_ desired: [Int], to total: Int) -> [Int] {
        let whole = desired.reduce(0, +)
        var counts = desired.map { max(1, $0 * total / whole) }
        var sum = counts.reduce(0, +)
        let order = counts.indices.sorted { (-counts[$0], $0) < (-counts[$1], $1) }
        // Bounded as in netdata.py: at most one unit per step.
        for step in 0..<(abs(total - sum) * counts.count) where sum != total {
            let n = order[step % order.count]
            if sum < total {
                counts[n] += 1
                sum += 1
            } else if counts[n] > 1 {
                counts[n] -= 1
                sum -= 1
            }
        }
        return counts
    }

    /// A 2.25 UID (PS3.5 B.2) from a 128-bit hash of the seed, the collection size and `parts`.
    static func uid(_ seed: UInt64, _ instances: Int, _ parts: Int...) -> String {
        var high = SplitMix64(seed: seed ^ 0x5241_4D50_4152_5431), low = SplitMix64(seed: UInt64(instances) &* 0x9E37_79B9_7F4A_7C15)
        var a = high.next(), b = low.next()
        for part in parts {
            high = SplitMix64(seed: a ^ UInt64(part))
            low = SplitMix64(seed: b &+ UInt64(part) &* 31)
            a = high.next()
            b = low.next()
        }
        return "2.25.\((UInt128(a) << 64) | UInt128(b))"
    }

    static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small deterministic generator, the same sequence on
/// every platform for a seed (the standard library's generator is seeded at random).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `range` (the modulo bias is below 1e-10 for these small ranges).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func shuffled<T>(_ items: [T]) -> [T] {
        var items = items
        for n in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(n, int(0...n)) }
        return items
    }
}
