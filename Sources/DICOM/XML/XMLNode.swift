/// An element of a parsed XML document: its local name (namespace prefix removed), attributes,
/// child elements, and the character data directly inside it.
struct XMLNode {
    var name: String
    var attributes: [(name: String, value: String)]
    var children: [XMLNode]
    var text: String

    func attribute(_ name: String) -> String? {
        if let exact = attributes.first(where: { $0.name == name }) { return exact.value }
        return attributes.first(where: { !$0.name.hasPrefix("xmlns") && $0.name.hasSuffix(":" + name) })?.value
    }
}
