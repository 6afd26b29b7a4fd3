extension AccessContext {
    /// Why `action` is outside the credential's scope, or nil when it is within it (or there is
    /// no scope). Opening an association is never capped: the scope limits what is done on it.
    public func scopeDenial(of action: AccessAction) -> String? {
        guard let scope, action != .associate, !scope.contains(action) else { return nil }
        let allowed = AccessAction.allCases.filter(scope.contains).map(\.rawValue)
        return "\(action) is outside the scope of its API key (\(allowed.isEmpty ? "nothing" : allowed.joined(separator: ", "))); "
            + "give the service a key with that scope (rampart service revoke, then add --scope)"
    }
}
