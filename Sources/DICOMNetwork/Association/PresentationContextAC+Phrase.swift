extension PresentationContextAC.Result {
    /// The result in words, for logs and error descriptions (PS3.8 Table 9-18).
    var phrase: String {
        switch self {
        case .acceptance: "acceptance"
        case .userRejection: "user rejection"
        case .noReason: "no reason (provider rejection)"
        case .abstractSyntaxNotSupported: "abstract syntax not supported"
        case .transferSyntaxesNotSupported: "transfer syntaxes not supported"
        }
    }
}
