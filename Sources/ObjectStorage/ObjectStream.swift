import AsyncHTTPClient
import NIOCore

/// An object's bytes as they arrive, and what the store said about it. Iterate once.
public struct ObjectStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    public let info: ObjectInfo
    let body: HTTPClientResponse.Body

    public func makeAsyncIterator() -> HTTPClientResponse.Body.AsyncIterator {
        body.makeAsyncIterator()
    }
}
