import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// A small pool of `PostgresConnection`s for callers that block: borrow one, run a transaction on
/// it, give it back; a closed one is dropped and the next borrower connects afresh.
///
/// Issue #11. Every wait is `EventLoopFuture.wait()` on the caller's thread (a modem's thread, the
/// CLI's main thread, a test's), which must not be an event loop: NIO traps that mistake.
final class PostgresConnections: @unchecked Sendable {
    /// postgres-nio logs statements with their bindings at debug level: sealed values and blind
    /// indexes must never reach a log (DESIGN.md invariant 6), so its logger discards everything.
    let logger = Logger(label: "trackerd.registry.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    private let configuration: PostgresConnection.Configuration
    private let eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var nextID = 0
    private var closed = false
    /// Enough for one gateway's modem threads and its sweeper; PostgreSQL's default allows 100.
    static let limit = 8

    init(url: PostgresRegistryURL) throws {
        var configuration: PostgresConnection.Configuration
        if let directory = url.socketDirectory {
            configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(url.port)", username: url.user, password: url.password, database: url.database)
        } else {
            configuration = .init(host: url.host ?? "localhost", port: url.port, username: url.user, password: url.password, database: url.database,
                                  tls: try Self.tls(url))
        }
        configuration.options.connectTimeout = .seconds(10)
        if let schema = url.schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        self.configuration = configuration
    }

    /// libpq's meanings: `require` encrypts without checking the certificate, `verify-ca` checks
    /// it against the system's trust roots, `verify-full` also checks the host name.
    static func tls(_ url: PostgresRegistryURL) throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch url.sslMode {
        case .disable:
            return .disable
        case .allow, .prefer, .require:
            tls.certificateVerification = .none
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
        case .verifyFull:
            tls.certificateVerification = .fullVerification
        }
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: tls) } catch {
            throw GatewayError.configuration(key: PostgresRegistryURL.field, reason: "TLS cannot be set up (\(error))")
        }
        return url.sslMode == .allow || url.sslMode == .prefer ? .prefer(context) : .require(context)
    }

    /// Runs `body` on a borrowed connection. A connection that failed is closed, never reused.
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try borrow()
        do {
            let result = try body(connection)
            giveBack(connection)
            return result
        } catch {
            giveBack(connection, broken: Self.isConnectionLevel(error))
            throw error
        }
    }

    private func borrow() throws -> PostgresConnection {
        condition.lock()
        while true {
            if closed {
                condition.unlock()
                throw GatewayError.io(path: "registry", operation: "use after close", errno: EBADF)
            }
            if let connection = idle.popLast() {
                condition.unlock()
                if connection.isClosed {
                    condition.withLock { open -= 1 }
                    return try borrow()
                }
                return connection
            }
            if open < Self.limit { break }
            condition.wait()
        }
        open += 1
        nextID += 1
        let id = nextID
        condition.unlock()
        do {
            return try PostgresConnection.connect(on: eventLoopGroup.next(), configuration: configuration, id: id, logger: logger).wait()
        } catch {
            condition.withLock {
                open -= 1
                condition.signal()
            }
            throw error
        }
    }

    private func giveBack(_ connection: PostgresConnection, broken: Bool = false) {
        condition.lock()
        defer { condition.unlock() }
        if broken || closed || connection.isClosed {
            open -= 1
            Self.close(connection)
        } else {
            idle.append(connection)
        }
        condition.signal()
    }

    /// Closes without waiting; the callback keeps the connection alive until its channel is closed
    /// (postgres-nio asserts that none is released open).
    private static func close(_ connection: PostgresConnection) {
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    deinit {
        for connection in idle { Self.close(connection) }
    }

    func closeAll() {
        let connections: [PostgresConnection] = condition.withLock {
            closed = true
            let all = idle
            idle = []
            open -= all.count
            condition.broadcast()
            return all
        }
        for connection in connections { try? connection.close().wait() }
    }

    /// Errors after which the connection's state is unknown (a server error leaves it usable).
    private static func isConnectionLevel(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return !(error is GatewayError) }
        return error.code != .server
    }
}
