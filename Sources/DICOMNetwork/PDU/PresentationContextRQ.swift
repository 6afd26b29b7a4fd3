/// A presentation context item (20H) of an A-ASSOCIATE-RQ PDU (PS3.8 9.3.2.2): one abstract
/// syntax (30H) proposed with one or more transfer syntaxes (40H).
public struct PresentationContextRQ: Sendable, Hashable {
    /// An odd number 1–255 chosen by the requestor (PS3.8 9.3.2.2). Not checked by the codec.
    public var id: UInt8
    /// The abstract syntax name: a SOP class UID (PS3.8 9.3.2.2.1).
    public var abstractSyntax: String
    /// The transfer syntax UIDs proposed, in order of preference (PS3.8 9.3.2.2.2).
    public var transferSyntaxes: [String]

    public init(id: UInt8, abstractSyntax: String, transferSyntaxes: [String]) {
        self.id = id
        self.abstractSyntax = abstractSyntax
        self.transferSyntaxes = transferSyntaxes
    }
}
