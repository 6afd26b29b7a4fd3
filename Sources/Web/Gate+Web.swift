import Access
import Logs

extension Gate {
    /// The gate's grant for `action` on an HTTP request, or the problem the caller gets: 403
    /// with the decision to quote (the credential was checked by the middleware already). A
    /// break-the-glass grant and a denial each leave a line in the process log.
    func grant(_ action: AccessAction, _ context: WebRequestContext, concerning subjects: AccessSubjects = .none,
               log: Log) async throws(WebProblem) -> Grant {
        let access = context.access
        do {
            let grant = try await decide(access, action, concerning: subjects)
            if grant.brokeTheGlass {
                context.log(log).warning("BREAK-THE-GLASS: \(access.principal) \(action) over \(access.channel.rawValue) from \(context.peerAddress), \(grant.decisionID): flagged for review")
            }
            return grant
        } catch {
            context.log(log).notice("\(action) by \(access.principal) over \(access.channel.rawValue) from \(context.peerAddress) denied: \(error.reason)")
            throw WebProblem(.forbidden, "not authorized to \(action) (\(error.decisionID)): ask an administrator for a role that allows it")
        }
    }
}
