import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML document of S3's (error bodies, listings, multipart answers) as a small tree.
/// The answers are small (a listing page is at most 1,000 entries), so a tree is simpler than
/// streaming events into each answer's type.
struct XMLElementTree: Sendable {
    let name: String
    var text: String
    var children: [XMLElementTree]

    /// Parses `data`; nil when it is not well-formed XML.
    static func parse(_ data: [UInt8]) -> XMLElementTree? {
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(data))
        parser.delegate = builder
        // S3 answers never need external entities; resolving them would be an XXE hole.
        parser.shouldResolveExternalEntities = false
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }

    /// The first child named `name`.
    func child(_ name: String) -> XMLElementTree? {
        children.first { $0.name == name }
    }

    /// The text of the first child named `name`.
    func value(_ name: String) -> String? {
        child(name)?.text
    }

    func all(_ name: String) -> [XMLElementTree] {
        children.filter { $0.name == name }
    }

    /// Collects the elements as the parser reports them. Used by one parse on one thread.
    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [XMLElementTree] = []
        var root: XMLElementTree?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            stack.append(XMLElementTree(name: elementName, text: "", children: []))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard let done = stack.popLast() else { return }
            if stack.isEmpty {
                root = done
            } else {
                stack[stack.count - 1].children.append(done)
            }
        }
    }
}
