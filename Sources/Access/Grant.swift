/// Permission to perform one action, made only by `Gate` after a decision that was recorded.
///
/// It has no public initializer: the archive's API takes a `Grant`, so no code path reaches
/// patient data without passing the gate (DESIGN.md rule 1).
public struct Grant: Sendable {
    public let context: AccessContext
    public let action: AccessAction
    public let resource: AccessResource
    /// What the principal may see of the data this grant reaches: the caller passes every data
    /// set through it before it leaves (DESIGN.md rule 4).
    public let view: AttributeView
    /// The restricted studies it reaches: the archive leaves the others out of every answer.
    public let studies: StudyScope
    /// An emergency access the reviewer must see.
    public let brokeTheGlass: Bool
    /// The recorded decision this grant comes from.
    public let decisionID: DecisionID

    init(context: AccessContext, action: AccessAction, resource: AccessResource, view: AttributeView, studies: StudyScope,
         brokeTheGlass: Bool, decisionID: DecisionID) {
        self.context = context
        self.action = action
        self.resource = resource
        self.view = view
        self.studies = studies
        self.brokeTheGlass = brokeTheGlass
        self.decisionID = decisionID
    }
}

/// Identifies one recorded gate decision.
public struct DecisionID: Sendable, Hashable, CustomStringConvertible {
    public let value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public var description: String { "decision-\(value)" }
}
