#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// A Unix-domain stream socket that answers each request line with exactly one reply line.
///
/// The control channel of both the daemon and the simulator. The socket file is made with mode
/// 0600 before anyone can connect; a stale socket left by a killed process is replaced, any
/// other file at the path is refused. One thread accepts; one thread serves each client and
/// waits for the (async) handler, so replies keep the order of requests.
public final class LineSocketServer: @unchecked Sendable {
    /// The longest request line accepted; a longer one gets an error and the connection is closed.
    public static let maximumLineLength = 1 << 20

    /// How a request line becomes a reply line.
    private enum Handler: Sendable {
        /// Called on the client's thread; for callers whose answer needs no task.
        case direct(@Sendable (String) -> String)
        /// Run as a task while the client's thread waits, for handlers that talk to actors.
        case async(@Sendable (String) async -> String)
    }

    public let path: String
    private let handler: Handler
    // `lock` guards the three fields below; they are touched from the accept and client threads.
    private let lock = NSLock()
    private var listeningFD: Int32 = -1
    private var clientFDs: Set<Int32> = []
    private var stopped = false

    /// Binds and listens at `path`; `handler` turns one request line into one reply line,
    /// on the client's own thread.
    public convenience init(path: String, handler: @escaping @Sendable (String) -> String) throws(LineSocketError) {
        try self.init(path: path, handler: .direct(handler))
    }

    /// Binds and listens at `path`; `handler` turns one request line into one reply line.
    /// Its task runs on the cooperative pool, so the process must keep a pool thread free.
    public convenience init(path: String, asyncHandler: @escaping @Sendable (String) async -> String) throws(LineSocketError) {
        try self.init(path: path, handler: .async(asyncHandler))
    }

    private init(path: String, handler: Handler) throws(LineSocketError) {
        self.path = path
        self.handler = handler
        let fd = try LineSocketAddress.withAddress(path) { address, length throws(LineSocketError) -> Int32 in
            try Self.removeStaleSocket(at: path)
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw LineSocketError(path: path, operation: "socket", errno: errno) }
            guard bind(fd, address, length) == 0 else {
                let code = errno
                close(fd)
                throw LineSocketError(path: path, operation: "bind", errno: code)
            }
            return fd
        }
        // Nobody can connect before listen(), so tightening the mode here leaves no window.
        guard chmod(path, 0o600) == 0, listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            unlink(path)
            throw LineSocketError(path: path, operation: "listen", errno: code)
        }
        listeningFD = fd
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "line-socket-accept"
        thread.start()
    }

    deinit { stop() }

    /// Stops accepting, disconnects every client and removes the socket file; idempotent.
    public func stop() {
        lock.lock()
        guard !stopped else {
            lock.unlock()
            return
        }
        stopped = true
        let listener = listeningFD
        let clients = clientFDs
        lock.unlock()
        // shutdown() wakes the threads blocked in accept()/read(); they close their own descriptors.
        for client in clients { shutdown(client, Int32(SHUT_RDWR)) }
        // Only a socket this server bound is removed: a failed init must not unlink what it refused to replace.
        if listener >= 0 {
            shutdown(listener, Int32(SHUT_RDWR))
            unlink(path)
        }
    }

    private func acceptLoop(_ listener: Int32) {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                break
            }
            lock.lock()
            if stopped {
                lock.unlock()
                close(client)
                break
            }
            clientFDs.insert(client)
            lock.unlock()
            let thread = Thread { [self] in serve(client) }
            thread.name = "line-socket-client"
            thread.start()
        }
        close(listener)
    }

    private func serve(_ client: Int32) {
        defer {
            lock.lock()
            clientFDs.remove(client)
            lock.unlock()
            close(client)
        }
        var reader = LineReader(fd: client, maximumLineLength: Self.maximumLineLength)
        while true {
            switch reader.nextLine() {
            case .line(let line):
                if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
                guard LineSocketIO.writeAll(client, Array((answer(line) + "\n").utf8)) else { return }
            case .tooLong:
                let reply = #"{"ok":false,"error":"request line longer than \#(Self.maximumLineLength) bytes"}"#
                _ = LineSocketIO.writeAll(client, Array((reply + "\n").utf8))
                return
            case .end:
                return
            }
        }
    }

    /// Runs the handler for one line; an async one as a task this client's thread waits for.
    private func answer(_ line: String) -> String {
        let handler: @Sendable (String) async -> String
        switch self.handler {
        case .direct(let direct): return direct(line)
        case .async(let asynchronous): handler = asynchronous
        }
        let reply = ReplyBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            reply.set(await handler(line))
            done.signal()
        }
        done.wait()
        return reply.value
    }

    /// Removes a socket left behind by a killed process; refuses to remove anything else,
    /// and refuses to take over a socket another live process still listens on.
    private static func removeStaleSocket(at path: String) throws(LineSocketError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard (status.st_mode & S_IFMT) == S_IFSOCK else {
            throw LineSocketError(path: path, operation: "bind", detail: "a file that is not a socket is in the way")
        }
        if (try? LineSocketClient(path: path, timeout: .seconds(1))) != nil {
            throw LineSocketError(path: path, operation: "bind", detail: "another process is listening there")
        }
        unlink(path)
    }
}

/// A reply handed from the handler's task to the waiting client thread.
private final class ReplyBox: @unchecked Sendable {
    // Written once by the task before the semaphore is signalled, read after the wait.
    private(set) var value = ""
    func set(_ value: String) { self.value = value }
}
