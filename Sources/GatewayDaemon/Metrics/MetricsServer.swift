import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// `GET /metrics` over HTTP/1.1 on SwiftNIO: one event-loop thread, keep-alive, nothing else.
///
/// Issue 12: the Prometheus endpoint, loopback by default. Bound before the service group
/// starts, so an address in use stops start-up with one line instead of a daemon without metrics.
/// Each scrape asks `body` for the exposition (which reads the daemon's status then).
final class MetricsServer: Sendable {
    typealias Body = @Sendable () async -> String

    let address: ListenAddress
    private let group: MultiThreadedEventLoopGroup
    private let channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let body: Body
    private let logger: Logger

    /// The port actually bound (the one asked for, or the kernel's pick for port 0 in tests).
    let boundPort: Int

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private init(address: ListenAddress, group: MultiThreadedEventLoopGroup,
                 channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>, body: @escaping Body, logger: Logger) {
        self.address = address
        self.group = group
        self.channel = channel
        self.body = body
        self.logger = logger
        boundPort = channel.channel.localAddress?.port ?? address.port
    }

    /// Binds `address`; throws ``MetricsServerError`` when it cannot.
    static func bind(_ address: ListenAddress, logger: Logger, body: @escaping Body) async throws -> MetricsServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: address.host, port: address.port) { child in
                    child.eventLoop.makeCompletedFuture {
                        try child.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: child)
                    }
                }
            return MetricsServer(address: address, group: group, channel: channel, body: body, logger: logger)
        } catch {
            try? await group.shutdownGracefully()
            throw MetricsServerError(address: address, reason: "\(error)")
        }
    }

    /// Serves until the task is cancelled, then closes every connection and the thread.
    func serve() async {
        do {
            try await withThrowingDiscardingTaskGroup { connections in
                try await channel.executeThenClose { inbound in
                    for try await connection in inbound {
                        connections.addTask { await self.answer(connection) }
                    }
                }
            }
        } catch {
            if !Task.isCancelled { logger.error("metrics endpoint stopped", metadata: ["error": "\(error)"]) }
        }
        try? await group.shutdownGracefully()
    }

    private func answer(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let request):
                        head = request
                    case .body:
                        continue
                    case .end:
                        guard let request = head else { return }
                        head = nil
                        let (status, text) = await response(to: request)
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: status == .ok ? Self.contentType : "text/plain; charset=utf-8")
                        headers.add(name: "Content-Length", value: "\(text.utf8.count)")
                        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
                        try await outbound.write(.head(HTTPResponseHead(version: request.version, status: status, headers: headers)))
                        if request.method != .HEAD { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: text)))) }
                        try await outbound.write(.end(nil))
                        if !request.isKeepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("metrics connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func response(to request: HTTPRequestHead) async -> (HTTPResponseStatus, String) {
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        guard path == "/metrics" else { return (.notFound, "not found; metrics are at /metrics\n") }
        guard request.method == .GET || request.method == .HEAD else { return (.methodNotAllowed, "GET only\n") }
        return (.ok, await body())
    }
}

/// The metrics address could not be bound (in use, not an address of this host, no permission).
public struct MetricsServerError: Error, CustomStringConvertible {
    public var address: ListenAddress
    public var reason: String

    public var description: String { "metrics.listen \(address): cannot listen: \(reason)" }
}

/// The metrics endpoint as a service of the daemon's group: serves until graceful shutdown.
struct MetricsService: Service {
    let server: MetricsServer

    func run() async throws {
        await cancelWhenGracefulShutdown { await server.serve() }
    }
}
