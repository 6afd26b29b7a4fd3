import Access
import DICOM
import Foundation
import Yams

private typealias Tag = DICOM.Tag

/// `policy.yaml` in the data folder: the site's roles, views and emergency rule, read by the gate
/// at each decision (it is reloaded when it changes). Without the file the built-in policy
/// holds. Like rampart.yaml, an unknown key, an unknown name or a value of the wrong kind stops
/// with the file and line: a typo must never widen or silently change access.
public struct PolicyFile: Sendable {
    public let path: String
    public static let name = "policy.yaml"

    public init(dataDirectory: String) {
        path = dataDirectory + "/" + Self.name
    }

    public init(path: String) {
        self.path = path
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// The policy in the file, or the built-in one when there is no file.
    public func load(pseudonymKey: PseudonymKey) throws(ServerSetupError) -> AccessPolicy {
        guard exists else { return Self.builtIn }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ServerSetupError("cannot read \(path): \(error)")
        }
        return try Self.parse(text, source: path, pseudonymKey: pseudonymKey)
    }

    public static func parse(_ text: String, source: String, pseudonymKey: PseudonymKey) throws(ServerSetupError) -> AccessPolicy {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ServerSetupError("\(source) is not valid YAML: \(error)")
        }
        var policy = builtIn
        policy.source = source
        guard let root else { return policy }
        let reader = ConfigurationFile.Reader(source: source)
        var views = Dictionary(uniqueKeysWithValues: builtInViews.map { ($0.name, $0) })
        var roleNodes: Node?
        try reader.fields(root, in: "the top level") { key, value throws(ServerSetupError) in
            switch key {
            case "emergency_purpose": policy.emergencyPurpose = try reader.string(value, key)
            case "time_zone":
                let name = try reader.string(value, key)
                guard let zone = TimeZone(identifier: name) else { throw reader.error(value, "time_zone: \(name) is not a time zone name, such as Europe/Paris or UTC") }
                policy.timeZone = zone
            case "views":
                // Views come before the roles that name them, whatever the order in the file.
                try reader.fields(value, in: "views") { name, body throws(ServerSetupError) in
                    views[name] = try view(name, body, known: views, reader: reader, key: pseudonymKey)
                }
            case "roles": roleNodes = value
            default: throw reader.unknown(key, in: "the top level", value, known: ["time_zone", "emergency_purpose", "views", "roles"])
            }
        }
        if let roleNodes {
            try reader.fields(roleNodes, in: "roles") { name, body throws(ServerSetupError) in
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                    throw reader.error(body, "role name \"\(name)\" may hold only letters, digits, - and _")
                }
                policy.define(try role(name, body, views: views, reader: reader))
            }
        }
        // A built-in role the file names starts from Access's definition, whose deidentified view
        // is a stand-in for the whole table.
        policy.use(.basicProfile)
        return policy
    }

    /// The built-in policy as the server applies it: its deidentified view is the whole
    /// PS3.15 Basic Profile (`AttributeView.basicProfile`).
    public static var builtIn: AccessPolicy {
        var policy = AccessPolicy.builtIn
        policy.use(.basicProfile)
        return policy
    }

    private static let roleKeys = ["allow", "view", "when", "studies", "access_groups", "break_the_glass"]

    private static func role(_ name: String, _ node: Node, views: [String: AttributeView],
                             reader: ConfigurationFile.Reader) throws(ServerSetupError) -> RoleDefinition {
        // A built-in role the file names starts from its built-in definition.
        let base = Role(rawValue: name)?.definition
        var actions = base?.actions ?? []
        var view = base?.view ?? .full
        var conditions: [AccessCondition] = []
        var studies: [StudyCondition] = []
        var groups = base?.accessGroups ?? []
        var breaksGlass = base?.mayBreakTheGlass ?? false
        var sawAllow = base != nil
        try reader.fields(node, in: "role \(name)") { key, value throws(ServerSetupError) in
            switch key {
            case "allow":
                sawAllow = true
                actions = []
                for text in try strings(value, "roles.\(name).allow", reader) {
                    guard let action = AccessAction(rawValue: text), action != .associate else {
                        throw reader.error(value, "roles.\(name).allow: \(text) is not an action (store, query, retrieve, delete, administer)")
                    }
                    actions.insert(action)
                }
            case "view":
                let text = try reader.string(value, "roles.\(name).view")
                guard let named = views[text] else {
                    throw reader.error(value, "roles.\(name).view: no view is named \(text) (views: \(views.keys.sorted().joined(separator: ", ")))")
                }
                view = named
            case "when": conditions = try self.conditions(value, role: name, reader: reader)
            case "studies": studies = try self.studies(value, role: name, reader: reader)
            case "access_groups": groups = Set(try strings(value, "roles.\(name).access_groups", reader))
            case "break_the_glass": breaksGlass = try reader.bool(value, "roles.\(name).break_the_glass")
            default: throw reader.unknown(key, in: "role \(name)", value, known: roleKeys)
            }
        }
        guard sawAllow else { throw reader.error(node, "role \(name) needs allow: the actions it may take (an empty list for none)") }
        return RoleDefinition(name: name, actions: actions, view: view, conditions: conditions, studies: studies,
                              accessGroups: groups, mayBreakTheGlass: breaksGlass)
    }

    private static let conditionKeys = ["networks", "channels", "authentication", "device", "hours", "weekdays", "purpose"]

    private static func conditions(_ node: Node, role: String, reader: ConfigurationFile.Reader) throws(ServerSetupError) -> [AccessCondition] {
        var conditions: [AccessCondition] = []
        try reader.fields(node, in: "roles.\(role).when") { key, value throws(ServerSetupError) in
            let path = "roles.\(role).when.\(key)"
            switch key {
            case "networks":
                var ranges: [NetworkRange] = []
                for text in try strings(value, path, reader) {
                    guard let range = NetworkRange(text) else { throw reader.error(value, "\(path): \(text) is not an address or CIDR network (10.20.0.0/16, fd00::/8)") }
                    ranges.append(range)
                }
                conditions.append(.networks(ranges))
            case "channels":
                conditions.append(.channels(Set(try named(value, path, reader, AccessChannel.init(rawValue:),
                                                         known: AccessChannel.allCases.map(\.rawValue)))))
            case "authentication":
                let ways = AuthenticationStrength.byPolicyName
                conditions.append(.authentication(Set(try named(value, path, reader, { ways[$0] }, known: ways.keys.sorted()))))
            case "device":
                guard try reader.string(value, path) == "known-certificate" else {
                    throw reader.error(value, "\(path) can only be known-certificate (a client certificate bound to a registered AE)")
                }
                conditions.append(.knownDevice)
            case "hours":
                let text = try reader.string(value, path)
                let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, let from = TimeOfDay(parts[0]), let until = TimeOfDay(parts[1]), from != until else {
                    throw reader.error(value, "\(path) must be two different times of day, as \"07:00-19:00\" or \"19:00-07:00\"")
                }
                conditions.append(.hours(from, until))
            case "weekdays":
                conditions.append(.weekdays(Set(try named(value, path, reader, Weekday.init(rawValue:), known: Weekday.allCases.map(\.rawValue)))))
            case "purpose":
                conditions.append(.purposes(Set(try strings(value, path, reader))))
            default:
                throw reader.unknown(key, in: "roles.\(role).when", value, known: conditionKeys)
            }
        }
        return conditions
    }

    private static let studyKeys = ["institutions", "referring_physician"]

    /// The role's conditions on the data: which studies it reaches.
    private static func studies(_ node: Node, role: String, reader: ConfigurationFile.Reader) throws(ServerSetupError) -> [StudyCondition] {
        var conditions: [StudyCondition] = []
        try reader.fields(node, in: "roles.\(role).studies") { key, value throws(ServerSetupError) in
            let path = "roles.\(role).studies.\(key)"
            switch key {
            case "institutions":
                let names = try strings(value, path, reader)
                guard !names.isEmpty, !names.contains(where: \.isEmpty) else {
                    throw reader.error(value, "\(path) must list Institution Name values, as the modalities write them")
                }
                conditions.append(.institutions(Set(names)))
            case "referring_physician":
                guard try reader.string(value, path) == "self" else {
                    throw reader.error(value, "\(path) can only be self (Referring Physician's Name is the user's person name, rampart user person-name)")
                }
                conditions.append(.referredByPrincipal)
            default:
                throw reader.unknown(key, in: "roles.\(role).studies", value, known: studyKeys)
            }
        }
        return conditions
    }

    /// The views every policy has, which a file may base its own on but not redefine.
    private static let builtInViews: [AttributeView] = [.full, .noIdentifiersBeyondName, .basicProfile]

    private static let viewKeys = ["based_on", "remove", "empty", "replace", "pseudonymize", "remove_private"]

    /// The keys that name what a retrieval or deletion acts on (PS3.4 C.4.2.2.1): a view that
    /// hid one would make the identifier match on nothing, that is, on every object.
    private static let uniqueKeys: Set<Tag> = [Tag(0x0008, 0x0016), Tag(0x0008, 0x0018), Tag(0x0008, 0x0052), Tag(0x0020, 0x000D), Tag(0x0020, 0x000E)]

    private static func view(_ name: String, _ node: Node, known: [String: AttributeView], reader: ConfigurationFile.Reader,
                             key: PseudonymKey) throws(ServerSetupError) -> AttributeView {
        guard !builtInViews.contains(where: { $0.name == name }) else {
            throw reader.error(node, "views.\(name): a built-in view cannot be redefined; name yours differently and base it on \(name)")
        }
        var base = AttributeView.full
        var removed: Set<Tag> = [], replaced: [Tag: AttributeView.Replacement] = [:], removesPrivate: Bool?
        try reader.fields(node, in: "views.\(name)") { field, value throws(ServerSetupError) in
            let path = "views.\(name).\(field)"
            switch field {
            case "based_on":
                let text = try reader.string(value, path)
                guard let view = known[text] else { throw reader.error(value, "\(path): no view named \(text) is defined above this one") }
                base = view
            case "remove": for tag in try tags(value, path, reader) { removed.insert(tag) }
            case "empty": for tag in try tags(value, path, reader) { replaced[tag] = .empty }
            case "pseudonymize":
                for tag in try tags(value, path, reader) {
                    let vrs = DataDictionary.entry(for: tag)?.vrs ?? []
                    guard !vrs.isEmpty, vrs.allSatisfy({ [.AE, .CS, .LO, .LT, .PN, .SH, .ST, .UC, .UT].contains($0) }) else {
                        throw reader.error(value, "\(path): \(tag) is not a text attribute; only text (names, IDs, descriptions) can be pseudonymized")
                    }
                    replaced[tag] = .pseudonym(key)
                }
            case "replace":
                try reader.fields(value, in: path) { keyword, text throws(ServerSetupError) in
                    guard let tag = tag(keyword) else { throw reader.error(text, "\(path): \(keyword) is not a DICOM keyword or (gggg,eeee) tag") }
                    replaced[tag] = .text(try reader.string(text, "\(path).\(keyword)"))
                }
            case "remove_private": removesPrivate = try reader.bool(value, path)
            default: throw reader.unknown(field, in: "views.\(name)", value, known: viewKeys)
            }
        }
        if let key = removed.union(replaced.keys).first(where: Self.uniqueKeys.contains) {
            throw reader.error(node, "views.\(name): \(DataDictionary.entry(for: key)?.keyword ?? key.description) cannot be hidden: "
                               + "retrievals name objects by it, and a hidden key would match every object; remove it from the view")
        }
        // The view hides what its base hides and what it adds; its own replacements win.
        var allReplaced = base.replaced.filter { !removed.contains($0.key) }
        allReplaced.merge(replaced) { _, own in own }
        return AttributeView(name: name, removed: base.removed.union(removed), replaced: allReplaced, removedPatterns: base.removedPatterns,
                             replacedPatterns: base.replacedPatterns, removesPrivateAttributes: removesPrivate ?? base.removesPrivateAttributes)
    }

    /// A keyword of the data dictionary ("PatientID") or a tag ("(0010,0020)", "00100020").
    private static func tag(_ text: String) -> Tag? {
        DataDictionary.tag(forKeyword: text) ?? Tag(text)
    }

    private static func tags(_ node: Node, _ path: String, _ reader: ConfigurationFile.Reader) throws(ServerSetupError) -> [Tag] {
        var tags: [Tag] = []
        for text in try strings(node, path, reader) {
            guard let tag = tag(text) else { throw reader.error(node, "\(path): \(text) is not a DICOM keyword or (gggg,eeee) tag") }
            tags.append(tag)
        }
        return tags
    }

    /// A list of texts, or one text.
    private static func strings(_ node: Node, _ path: String, _ reader: ConfigurationFile.Reader) throws(ServerSetupError) -> [String] {
        if case .scalar = node { return [try reader.string(node, path)] }
        guard let sequence = node.sequence else { throw reader.error(node, "\(path) must be a list") }
        var texts: [String] = []
        for item in sequence { texts.append(try reader.string(item, path)) }
        return texts
    }

    private static func named<T>(_ node: Node, _ path: String, _ reader: ConfigurationFile.Reader, _ make: (String) -> T?,
                                 known: [String]) throws(ServerSetupError) -> [T] {
        var values: [T] = []
        for text in try strings(node, path, reader) {
            guard let value = make(text) else { throw reader.error(node, "\(path): \(text) is not one of \(known.joined(separator: ", "))") }
            values.append(value)
        }
        return values
    }
}
