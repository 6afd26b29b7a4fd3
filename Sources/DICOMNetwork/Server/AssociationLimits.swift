import NIOCore

/// How many associations a server takes: at once in all, at once from one peer host, and new
/// ones per minute from one host. Over any of them an association is rejected as transient
/// (`AssociationLimiter`). They bound a flood, and they slow guessing of AE titles and
/// credentials (the login throttle locks out a guessed password besides).
///
/// The defaults are sized for a hospital, not a laboratory: a modality opens one to a few
/// associations at once, a router or another archive forwarding a backlog perhaps a dozen, so
/// 16 per host leaves room and 64 in all serves a department. Some modalities open one
/// association per image, so a 500-slice CT may open hundreds within a minute or two: the rate
/// allows a burst of 300 and then 300 a minute (one every 200 ms), which no device sending
/// images needs to exceed and which still stops a tool that tries thousands of AE titles.
public struct AssociationLimits: Sendable, Hashable {
    /// Associations open at once, from all peers.
    public var maximumAssociations: Int
    /// Associations open at once from one peer address.
    public var maximumAssociationsPerHost: Int
    /// New associations one peer address may open per minute: a token bucket that holds this
    /// many and refills at this rate, so a burst of this many, then this many a minute.
    public var associationsPerMinutePerHost: Int

    public init(maximumAssociations: Int = 64, maximumAssociationsPerHost: Int = 16, associationsPerMinutePerHost: Int = 300) {
        self.maximumAssociations = maximumAssociations
        self.maximumAssociationsPerHost = maximumAssociationsPerHost
        self.associationsPerMinutePerHost = associationsPerMinutePerHost
    }
}
