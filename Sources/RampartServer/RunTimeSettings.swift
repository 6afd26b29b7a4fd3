import Access
import Audit
import DICOMNetwork
import Foundation
import Synchronization
import Web

/// The settings of rampart.yaml that an administrator may change while the server runs (the
/// REST API's `/api/settings`, the UI's settings page): the association limits, the HTTP request
/// rate, and whether person names match regardless of case. Each is read by its user at every
/// association or request, so a change holds from the next one. Changes are kept in
/// `settings.json` in the data folder, which `serve` applies over rampart.yaml at start (and the
/// environment and flags over both). The others (ports, addresses, certificates, the AE title)
/// need a restart, and are not here.
public final class RunTimeSettings: Sendable {
    public static let fileName = "settings.json"

    /// A setting of this kind: its key, its meaning, its bounds, where it lives.
    enum Setting: String, CaseIterable {
        case maximumAssociations = "dicom.limits.max_associations"
        case maximumAssociationsPerHost = "dicom.limits.max_associations_per_host"
        case associationsPerMinutePerHost = "dicom.limits.associations_per_minute_per_host"
        case requestsPerMinutePerHost = "http.requests_per_minute_per_host"
        case caseInsensitivePersonNames = "query.case_insensitive_person_names"

        var description: String {
            switch self {
            case .maximumAssociations: "DICOM associations open at once, from all peers"
            case .maximumAssociationsPerHost: "DICOM associations open at once from one address"
            case .associationsPerMinutePerHost: "new DICOM associations a minute from one address (after a burst of as many)"
            case .requestsPerMinutePerHost: "HTTP requests a minute from one address (after a burst of as many)"
            case .caseInsensitivePersonNames: "person names match regardless of case, in C-FIND and QIDO-RS"
            }
        }

        /// Bounds of a number; nil for a yes/no.
        var range: ClosedRange<Int>? {
            switch self {
            case .maximumAssociations, .maximumAssociationsPerHost: 1...100_000
            case .associationsPerMinutePerHost: 1...1_000_000
            case .requestsPerMinutePerHost: 1...10_000_000
            case .caseInsensitivePersonNames: nil
            }
        }

        func value(in configuration: ServerConfiguration) -> SettingValue {
            switch self {
            case .maximumAssociations: .integer(configuration.dicom.limits.maximumAssociations)
            case .maximumAssociationsPerHost: .integer(configuration.dicom.limits.maximumAssociationsPerHost)
            case .associationsPerMinutePerHost: .integer(configuration.dicom.limits.associationsPerMinutePerHost)
            case .requestsPerMinutePerHost: .integer(configuration.http.requestsPerMinutePerHost)
            case .caseInsensitivePersonNames: .boolean(configuration.query.caseInsensitivePersonNames)
            }
        }

        /// Sets the value, once `check` accepted it.
        func apply(_ value: SettingValue, to configuration: inout ServerConfiguration) {
            switch (self, value) {
            case let (.maximumAssociations, .integer(number)): configuration.dicom.limits.maximumAssociations = number
            case let (.maximumAssociationsPerHost, .integer(number)): configuration.dicom.limits.maximumAssociationsPerHost = number
            case let (.associationsPerMinutePerHost, .integer(number)): configuration.dicom.limits.associationsPerMinutePerHost = number
            case let (.requestsPerMinutePerHost, .integer(number)): configuration.http.requestsPerMinutePerHost = number
            case let (.caseInsensitivePersonNames, .boolean(flag)): configuration.query.caseInsensitivePersonNames = flag
            default: break
            }
        }

        /// Why `value` cannot be this setting's, or nil.
        func problem(with value: SettingValue) -> String? {
            switch (range, value) {
            case let (range?, .integer(number)):
                range.contains(number) ? nil : "\(rawValue) must be from \(range.lowerBound) to \(range.upperBound), not \(number)"
            case (nil, .boolean): nil
            case (_?, .boolean): "\(rawValue) is a whole number, not true or false"
            case (nil, .integer): "\(rawValue) is true or false, not a number"
            }
        }
    }

    /// What the server's parts read.
    public struct Targets: Sendable {
        public let associationLimiter: SharedAssociationLimiter
        public let requestsPerMinutePerHost: RunTimeSetting<Int>
        public let caseInsensitivePersonNames: RunTimeSetting<Bool>
    }

    public let targets: Targets
    private let path: String
    /// The configuration in force (rampart.yaml, then settings.json, then environment and flags)
    /// and the names settings.json holds.
    private let state: Mutex<(configuration: ServerConfiguration, changed: [String: SettingValue], fromFile: Set<String>)>

    /// - Parameters:
    ///   - configuration: what serve starts with (settings.json applied already, `applyingSaved`).
    ///   - fileSettings: the configuration of rampart.yaml alone, to tell where a value comes from.
    public init(configuration: ServerConfiguration, fileSettings: ServerConfiguration?, dataDirectory: String) throws(ServerSetupError) {
        path = dataDirectory + "/" + Self.fileName
        let saved = try Self.load(path)
        let defaults = ServerConfiguration()
        let fromFile = Set(Setting.allCases.filter { setting in fileSettings.map { setting.value(in: $0) != setting.value(in: defaults) } ?? false }
            .map(\.rawValue))
        targets = Targets(associationLimiter: SharedAssociationLimiter(configuration.dicom.limits),
                          requestsPerMinutePerHost: RunTimeSetting(configuration.http.requestsPerMinutePerHost),
                          caseInsensitivePersonNames: RunTimeSetting(configuration.query.caseInsensitivePersonNames))
        state = Mutex((configuration, saved, fromFile))
    }

    /// The configuration with the settings changed at run time before (settings.json) applied.
    public static func applyingSaved(to configuration: ServerConfiguration, dataDirectory: String) throws(ServerSetupError) -> ServerConfiguration {
        var configuration = configuration
        for (name, value) in try load(dataDirectory + "/" + fileName) {
            guard let setting = Setting(rawValue: name) else {
                throw ServerSetupError("\(dataDirectory)/\(fileName) names \(name), which cannot be changed at run time: remove it from the file")
            }
            if let problem = setting.problem(with: value) { throw ServerSetupError("\(dataDirectory)/\(fileName): \(problem)") }
            setting.apply(value, to: &configuration)
        }
        return configuration
    }

    public var records: [SettingRecord] {
        state.withLock { state in
            Setting.allCases.map { setting in
                SettingRecord(name: setting.rawValue, value: setting.value(in: state.configuration), description: setting.description,
                              minimum: setting.range?.lowerBound, maximum: setting.range?.upperBound,
                              source: state.changed[setting.rawValue] != nil ? "changed at run time"
                                  : state.fromFile.contains(setting.rawValue) ? "rampart.yaml" : "default")
            }
        }
    }

    /// Checks every value, then applies them all and saves them; returns what changed, in words
    /// ("http.requests_per_minute_per_host 6000 -> 30"), empty when nothing did.
    func change(_ values: [String: SettingValue]) throws(AdministrationError) -> [String] {
        guard !values.isEmpty else { throw .invalid("the change names no setting: give {\"NAME\": VALUE}, NAME one of \(Self.names)") }
        var checked: [(Setting, SettingValue)] = []
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let setting = Setting(rawValue: name) else {
                throw .invalid("\(name) cannot be changed at run time; these can: \(Self.names)")
            }
            if let problem = setting.problem(with: value) { throw .invalid(problem) }
            checked.append((setting, value))
        }
        return try state.withLock { state throws(AdministrationError) in
            var configuration = state.configuration
            var changed = state.changed
            var what: [String] = []
            for (setting, value) in checked where setting.value(in: configuration) != value {
                what.append("\(setting.rawValue) \(setting.value(in: configuration)) -> \(value)")
                setting.apply(value, to: &configuration)
                changed[setting.rawValue] = value
            }
            guard !what.isEmpty else { return [] }
            do {
                try DataFolder.writePrivately(try JSONEncoder.sorted.encode(changed), to: path)
            } catch {
                throw .failed("\(error)")
            }
            state.configuration = configuration
            state.changed = changed
            targets.associationLimiter.change(to: configuration.dicom.limits)
            targets.requestsPerMinutePerHost.set(configuration.http.requestsPerMinutePerHost)
            targets.caseInsensitivePersonNames.set(configuration.query.caseInsensitivePersonNames)
            return what
        }
    }

    private static var names: String { Setting.allCases.map(\.rawValue).joined(separator: ", ") }

    private static func load(_ path: String) throws(ServerSetupError) -> [String: SettingValue] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        do {
            return try JSONDecoder().decode([String: SettingValue].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ServerSetupError("cannot read \(path) (the settings changed at run time): \(error); fix or remove it")
        }
    }
}

extension JSONEncoder {
    /// Keys sorted and indented: the same settings are the same bytes, readable by a person.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }
}
