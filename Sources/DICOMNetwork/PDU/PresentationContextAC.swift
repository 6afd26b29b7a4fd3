/// A presentation context item (21H) of an A-ASSOCIATE-AC PDU (PS3.8 9.3.3.2): the acceptor's
/// answer to one proposed presentation context.
public struct PresentationContextAC: Sendable, Hashable {
    /// The result/reason field (PS3.8 Table 9-18).
    public enum Result: UInt8, Sendable, Hashable, CaseIterable {
        case acceptance = 0
        case userRejection = 1
        case noReason = 2
        case abstractSyntaxNotSupported = 3
        case transferSyntaxesNotSupported = 4
    }

    /// The ID of the proposed presentation context this answers.
    public var id: UInt8
    public var result: Result
    /// The transfer syntax accepted. PS3.8 9.3.3.2 says it is sent but not tested when the
    /// context is not accepted; `nil` encodes no transfer syntax sub-item, and decodes from one
    /// that is absent or empty.
    public var transferSyntax: String?

    public init(id: UInt8, result: Result, transferSyntax: String?) {
        self.id = id
        self.result = result
        self.transferSyntax = transferSyntax
    }
}
