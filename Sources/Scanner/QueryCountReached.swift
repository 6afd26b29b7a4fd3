/// Ends a C-FIND whose answers reached the count limit (the association is aborted).
struct QueryCountReached: Error {}
