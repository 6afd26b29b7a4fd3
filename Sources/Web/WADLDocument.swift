/// A Web Application Description Language document (W3C Member Submission, 2009 namespace):
/// the resources of a service, relative to `base`, each with its methods and, per method, the
/// parameters and representations it takes and the representations it answers with.
///
/// Every string in it is written by Rampart (paths of its routes, media types, parameter names),
/// never taken from a request; values are escaped all the same.
struct WADLDocument: Sendable, Equatable {
    static let namespace = "http://wadl.dev.java.net/2009/02"

    struct Parameter: Sendable, Equatable {
        enum Style: String, Sendable {
            case template, query
        }

        var name: String
        var style: Style
        /// An XML Schema type name (xsd prefix).
        var type = "xsd:string"
        var repeating = false
    }

    struct Method: Sendable, Equatable {
        var name: String
        var parameters: [Parameter] = []
        /// The media types of the request body, none when it takes none.
        var accepts: [String] = []
        /// The statuses a success answers with, and the media types of its body.
        var statuses: [Int] = [200]
        var answers: [String]
    }

    struct Resource: Sendable, Equatable {
        /// Relative to the base; `{name}` marks a path segment the client fills in.
        var path: String
        var methods: [Method]

        /// The `{name}` segments of the path, in order.
        var templateParameters: [Parameter] {
            path.split(separator: "/").compactMap { segment in
                guard segment.first == "{", segment.last == "}" else { return nil }
                return Parameter(name: String(segment.dropFirst().dropLast()), style: .template)
            }
        }
    }

    var base: String
    private(set) var resources: [Resource] = []

    init(base: String) {
        self.base = base
    }

    /// Adds `method` to the resource at `path`, which is created the first time.
    mutating func add(_ method: Method, at path: String) {
        if let index = resources.firstIndex(where: { $0.path == path }) {
            resources[index].methods.append(method)
        } else {
            resources.append(Resource(path: path, methods: [method]))
        }
    }

    /// The paths of its resources.
    var resourcePaths: [String] { resources.map(\.path) }

    /// The document of the resource at `path` alone: what OPTIONS on that resource answers.
    func resource(at path: String) -> WADLDocument? {
        guard let resource = resources.first(where: { $0.path == path }) else { return nil }
        var document = WADLDocument(base: base)
        document.resources = [resource]
        return document
    }

    /// The methods of its resources, for an Allow header.
    var methods: [String] {
        Array(Set(resources.flatMap { $0.methods.map(\.name) })).sorted()
    }

    /// The document, resources sorted by path and methods by name so that it reads the same
    /// whatever order the routes were added in.
    var xml: String {
        var lines = [#"<?xml version="1.0" encoding="UTF-8"?>"#,
                     #"<application xmlns="\#(Self.namespace)" xmlns:xsd="http://www.w3.org/2001/XMLSchema">"#,
                     #"  <resources base="\#(Self.escaped(base))">"#]
        for resource in resources.sorted(by: { $0.path < $1.path }) {
            lines.append(#"    <resource path="\#(Self.escaped(resource.path))">"#)
            for parameter in resource.templateParameters {
                lines.append("      " + Self.element(parameter, required: true))
            }
            for method in resource.methods.sorted(by: { $0.name < $1.name }) {
                lines.append(#"      <method name="\#(Self.escaped(method.name))">"#)
                if !method.parameters.isEmpty || !method.accepts.isEmpty {
                    lines.append("        <request>")
                    lines += method.parameters.map { "          " + Self.element($0, required: false) }
                    lines += method.accepts.map { #"          <representation mediaType="\#(Self.escaped($0))"/>"# }
                    lines.append("        </request>")
                }
                let statuses = method.statuses.map(String.init).joined(separator: " ")
                lines.append(#"        <response status="\#(statuses)">"#)
                lines += method.answers.map { #"          <representation mediaType="\#(Self.escaped($0))"/>"# }
                lines.append("        </response>")
                lines.append("      </method>")
            }
            lines.append("    </resource>")
        }
        lines += ["  </resources>", "</application>", ""]
        return lines.joined(separator: "\n")
    }

    private static func element(_ parameter: Parameter, required: Bool) -> String {
        let repeating = parameter.repeating ? #" repeating="true""# : ""
        return #"<param name="\#(escaped(parameter.name))" style="\#(parameter.style.rawValue)" type="\#(parameter.type)" required="\#(required)"\#(repeating)/>"#
    }

    /// The text as an XML attribute value (between double quotes).
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
