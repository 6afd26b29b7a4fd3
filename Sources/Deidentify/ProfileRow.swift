/// One row of PS3.15 Table E.1-1: the Basic Profile's action and the action of each option that
/// names the attribute.
struct ProfileRow: Sendable {
    let name: String
    let pattern: TagPattern
    let basic: ActionCode
    let options: [DeidentificationOption: ActionCode]
}
