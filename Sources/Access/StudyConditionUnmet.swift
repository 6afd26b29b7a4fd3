/// Why a role's study conditions reach no study for this principal.
struct StudyConditionUnmet: Error {
    let reason: String
}
