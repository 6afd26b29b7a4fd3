/// A problem the assembler found, which each reader reports in its own error type.
struct AssemblyFailure: Error {
    let path: ElementPath
    let problem: AttributeProblem
}
