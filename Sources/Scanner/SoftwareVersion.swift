/// A dotted release number ("1.12.10"), compared part by part (1.12.10 > 1.5.8), as products
/// announce them: Orthanc's /system Version, DCMTK's implementation version name.
struct SoftwareVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    let parts: [Int]

    /// "1.10.1", "1.10.1-rc2" (the suffix is ignored); nil for text with no leading number.
    init?(_ text: String) {
        let numbers = text.prefix { $0.isNumber || $0 == "." }.split(separator: ".", omittingEmptySubsequences: false)
        let parts = numbers.compactMap { Int($0) }
        guard !parts.isEmpty, parts.count == numbers.count else { return nil }
        self.parts = parts
    }

    init(_ parts: Int...) {
        self.parts = parts
    }

    /// 3.6 and 3.6.0 are one release.
    static func == (lhs: Self, rhs: Self) -> Bool { lhs.significant == rhs.significant }

    func hash(into hasher: inout Hasher) { hasher.combine(significant) }

    private var significant: ArraySlice<Int> {
        parts[..<((parts.lastIndex { $0 != 0 } ?? -1) + 1)]
    }

    static func < (lhs: Self, rhs: Self) -> Bool {
        for index in 0..<max(lhs.parts.count, rhs.parts.count) {
            let (left, right) = (index < lhs.parts.count ? lhs.parts[index] : 0, index < rhs.parts.count ? rhs.parts[index] : 0)
            if left != right { return left < right }
        }
        return false
    }

    var description: String { parts.map(String.init).joined(separator: ".") }
}

/// A product and release a probe saw, and where it saw it (for the evidence).
struct DetectedSoftware: Sendable, Hashable {
    enum Product: String, Sendable, Hashable {
        case orthanc = "Orthanc"
        case dcmtk = "DCMTK"
    }

    let product: Product
    let version: SoftwareVersion
    let seenIn: String

    /// DCMTK's Implementation Version Name, "OFFIS_DCMTK_367": 3.6.7 (one digit each, as DCMTK writes it).
    static func dcmtk(implementationVersionName name: String) -> DetectedSoftware? {
        let prefix = "OFFIS_DCMTK_"
        guard name.hasPrefix(prefix) else { return nil }
        let digits = name.dropFirst(prefix.count).prefix { $0.isNumber }
        guard digits.count == 3 else { return nil }
        let version = SoftwareVersion(digits.map(String.init).joined(separator: "."))
        return version.map { DetectedSoftware(product: .dcmtk, version: $0, seenIn: "Implementation Version Name \(name)") }
    }
}
