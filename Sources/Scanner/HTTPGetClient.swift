import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A minimal HTTP/1.1 client for the web probes: one GET per connection, no redirects, no
/// credentials. Over TLS it does not verify the certificate: the TLS probe inspects that
/// separately, and an exposure behind a bad certificate is still an exposure.
struct HTTPGetClient: Sendable {
    let context: ProbeContext
    let tls: NIOSSLContext?

    init(context: ProbeContext, tls: Bool) throws {
        self.context = context
        if tls {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            self.tls = try NIOSSLContext(configuration: configuration)
        } else {
            self.tls = nil
        }
    }

    /// `basic`: HTTP Basic credentials to send (the intrusive default-credential probe only).
    /// A request that fails without an answer (a refused or dropped connection, a timeout) is
    /// sent once more: one lost request must not hide a finding. An answer, any status, is kept.
    func get(_ endpoint: ScanEndpoint, path: String, accept: String = "*/*", basic: (String, String)? = nil) async throws -> HTTPGetResponse {
        do {
            return try await getOnce(endpoint, path: path, accept: accept, basic: basic)
        } catch {
            return try await getOnce(endpoint, path: path, accept: accept, basic: basic)
        }
    }

    private func getOnce(_ endpoint: ScanEndpoint, path: String, accept: String, basic: (String, String)?) async throws -> HTTPGetResponse {
        let (tls, serverName, limit) = (self.tls, endpoint.serverName, context.options.maximumBodyBytes)
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await context.bootstrap().connect(host: endpoint.host, port: endpoint.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        } catch {
            throw ProbeError.connectFailed("\(error)")
        }
        // Closing the channel at the deadline ends the read loop below, whatever the peer does.
        let deadline = channel.channel.eventLoop.scheduleTask(in: context.options.readTimeout) { channel.channel.close(promise: nil) }
        defer { deadline.cancel() }
        let host = endpoint.description
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
            head.headers.add(name: "Host", value: host)
            head.headers.add(name: "User-Agent", value: "rampart-scan")
            head.headers.add(name: "Accept", value: accept)
            head.headers.add(name: "Connection", value: "close")
            if let (user, password) = basic {
                head.headers.add(name: "Authorization", value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
            }
            try await outbound.write(.head(head))
            try await outbound.write(.end(nil))
            var response: HTTPGetResponse?
            do {
                reading: for try await part in inbound {
                    switch part {
                    case let .head(answer):
                        response = HTTPGetResponse(status: Int(answer.status.code), headers: answer.headers, body: [])
                    case let .body(bytes):
                        guard var answer = response else { continue }
                        answer.body += bytes.readableBytesView.prefix(limit - answer.body.count)
                        response = answer
                        if answer.body.count >= limit { break reading }
                    case .end:
                        break reading
                    }
                }
            } catch {
                // A server that answers in its own protocol (DICOM, TLS) fails the HTTP parser.
                guard let response else { throw ProbeError.notHTTP("\(error)") }
                return response
            }
            guard let response else { throw ProbeError.notHTTP("no response before the connection closed") }
            return response
        }
    }
}
