#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import Synchronization

/// The one thread that serves every connection of a `LineSocketServer` (issue #9.4).
///
/// It polls the listening socket, every client socket (all non-blocking) and a wake pipe, with
/// the earliest read-timeout deadline as the poll timeout, so an idle server sleeps in `poll(2)`
/// and never wakes on its own. An async handler runs as a task; its reply is posted to the
/// mailbox and the pipe wakes the thread to write it, so a request that takes an hour holds
/// no thread and delays no other connection.
final class LineSocketLoop: @unchecked Sendable {
    enum Handler: Sendable {
        /// Called on the poll thread: for handlers that answer at once.
        case direct(@Sendable (String) -> String)
        /// Run as a task; the poll thread goes on serving the others meanwhile.
        case async(@Sendable (String) async -> String)
    }

    /// What other threads hand the poll thread.
    private struct Mailbox {
        var replies: [(connection: UInt64, reply: String)] = []
        var stopping = false
        var thread: pthread_t?
        /// One `stop()` joins the thread; any other waits for it on `joined`.
        var joinClaimed = false
    }

    static let tooManyConnectionsReply = #"{"ok":false,"error":"too many connections"}"#
    static let timedOutReply = #"{"ok":false,"error":"request line not finished within the read timeout"}"#
    static func tooLongReply(_ limit: Int) -> String { #"{"ok":false,"error":"request line longer than \#(limit) bytes"}"# }

    private let path: String
    private let listener: Int32
    /// The socket file this server made, so stopping never unlinks a file someone else put there.
    private let socketFile: (device: UInt64, inode: UInt64)
    private let limits: LineSocketLimits
    private let handler: Handler
    private let wakeReadFD: Int32
    private let wakeWriteFD: Int32
    private let mailbox = Mutex(Mailbox())
    private let joined = DispatchGroup()

    // Touched by the poll thread only.
    private var connections: [UInt64: LineConnection] = [:]
    private var lastConnectionID: UInt64 = 0
    /// Out of descriptors: the listener is left alone until then instead of spinning on accept.
    private var acceptPausedUntil: ContinuousClock.Instant?
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Takes over `listener` (bound, listening, non-blocking) and the socket file at `path`.
    init(path: String, listener: Int32, limits: LineSocketLimits, handler: Handler) throws(LineSocketError) {
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { throw LineSocketError(path: path, operation: "wake pipe", errno: errno) }
        for fd in pipeFDs { Self.makeNonBlocking(fd) }
        var status = stat()
        let identity = lstat(path, &status) == 0 ? (UInt64(status.st_dev), UInt64(status.st_ino)) : (0, 0)
        self.path = path
        self.listener = listener
        self.socketFile = identity
        self.limits = limits
        self.handler = handler
        self.wakeReadFD = pipeFDs[0]
        self.wakeWriteFD = pipeFDs[1]
    }

    // Only when no task can post any more: a closed pipe's number may belong to another file by then.
    deinit {
        close(wakeReadFD)
        close(wakeWriteFD)
        // Never joined (stopped only from its own handler): the system reclaims it once it ends.
        let unjoined = mailbox.withLock { $0.joinClaimed ? nil : $0.thread }
        if let unjoined { pthread_detach(unjoined) }
    }

    /// Starts the poll thread: a plain pthread, so `stop()` can join it.
    func start() throws(LineSocketError) {
        joined.enter()
        let retained = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            Unmanaged<LineSocketLoop>.fromOpaque(argument).takeRetainedValue().run()
            return nil
        }, retained.toOpaque())
        guard result == 0 else {
            retained.release()
            joined.leave()
            throw LineSocketError(path: path, operation: "start thread", errno: result)
        }
        mailbox.withLock { $0.thread = thread }
    }

    /// Closes the listener and every connection, removes the socket file and returns once the
    /// thread has ended (at once when called from the thread itself, by a handler).
    func stop() {
        let (wasStopping, thread, claimedJoin) = mailbox.withLock { box -> (Bool, pthread_t?, Bool) in
            defer { box.stopping = true }
            guard let thread = box.thread, pthread_equal(thread, pthread_self()) == 0 else { return (box.stopping, nil, false) }
            defer { box.joinClaimed = true }
            return (box.stopping, thread, !box.joinClaimed)
        }
        if !wasStopping { wake() }
        guard let thread else { return }
        if claimedJoin {
            pthread_join(thread, nil)
            joined.leave()
        } else {
            joined.wait()
        }
    }

    private func post(_ reply: String, to connection: UInt64) {
        let accepted = mailbox.withLock { box in
            guard !box.stopping else { return false }
            box.replies.append((connection, reply))
            return true
        }
        if accepted { wake() }
    }

    private func wake() {
        var byte: UInt8 = 1
        // A full pipe already holds a wake-up; that is all a write here is for.
        _ = write(wakeWriteFD, &byte, 1)
    }

    private func run() {
        Self.nameThisThread("line-socket")
        defer { closeEverything() }
        while true {
            let (replies, stopping) = mailbox.withLock { box in
                defer { box.replies.removeAll() }
                return (box.replies, box.stopping)
            }
            if stopping { return }
            var now = ContinuousClock.now
            for (id, reply) in replies { deliver(reply, to: id, now: now) }
            dropExpired(now: now)

            var pollSet = [pollfd(fd: wakeReadFD, events: Int16(POLLIN), revents: 0)]
            let accepting = acceptPausedUntil.map { now >= $0 } ?? true
            if accepting {
                acceptPausedUntil = nil
                pollSet.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0))
            }
            var served: [UInt64] = []
            served.reserveCapacity(connections.count)
            for (id, connection) in connections {
                var events: Int32 = 0
                if connection.wantsInput(limits) { events |= Int32(POLLIN) }
                if connection.pendingOutputCount > 0 { events |= Int32(POLLOUT) }
                // Polled even with no events: POLLHUP tells of a client gone while its request runs.
                pollSet.append(pollfd(fd: connection.fd, events: Int16(events), revents: 0))
                served.append(id)
            }
            let ready = poll(&pollSet, nfds_t(pollSet.count), pollTimeout(now: now))
            if ready < 0 {
                // EINTR, or ENOMEM that may pass: try again shortly rather than spin.
                if errno != EINTR { usleep(10_000) }
                continue
            }
            guard ready > 0 else { continue }
            now = ContinuousClock.now
            if pollSet[0].revents != 0 { drainWakePipe() }
            var index = 1
            if accepting {
                if pollSet[1].revents != 0 { acceptWaiting(now: now) }
                index = 2
            }
            for id in served {
                let revents = Int32(pollSet[index].revents)
                index += 1
                if revents != 0 { service(id, revents: revents, now: now) }
            }
        }
    }

    /// Milliseconds until the earliest read-timeout deadline (or the accept pause), -1 for none.
    private func pollTimeout(now: ContinuousClock.Instant) -> Int32 {
        var earliest = acceptPausedUntil
        for connection in connections.values {
            guard let deadline = connection.deadline(limits) else { continue }
            if earliest.map({ deadline < $0 }) ?? true { earliest = deadline }
        }
        guard let earliest else { return -1 }
        let remaining = now.duration(to: earliest)
        guard remaining > .zero else { return 0 }
        return Int32(min((remaining / .milliseconds(1)).rounded(.up), Double(Int32.max)))
    }

    private func drainWakePipe() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while bytes.withUnsafeMutableBytes({ read(wakeReadFD, $0.baseAddress, $0.count) }) > 0 {}
    }

    private func acceptWaiting(now: ContinuousClock.Instant) {
        // Bounded per wake-up, so a flood of connects cannot starve the clients already served.
        for _ in 0..<64 {
            // Glibc's module map has no accept4; the flags are set right after, on this thread.
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else {
                switch errno {
                case EINTR, ECONNABORTED: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM: acceptPausedUntil = now + .milliseconds(100)
                default: break
                }
                return
            }
            guard connections.count < limits.maximumConnections else {
                sendNotice(Self.tooManyConnectionsReply, to: fd)
                close(fd)
                continue
            }
            Self.makeNonBlocking(fd)
            lastConnectionID += 1
            connections[lastConnectionID] = LineConnection(id: lastConnectionID, fd: fd, now: now)
        }
    }

    private func service(_ id: UInt64, revents: Int32, now: ContinuousClock.Instant) {
        guard var connection = connections[id] else { return }
        if revents & Int32(POLLERR | POLLNVAL) != 0 { return drop(connection) }
        if revents & Int32(POLLIN) != 0 {
            let count = readBuffer.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                connection.receive(readBuffer[0..<count])
            } else if count == 0 {
                connection.inputClosed = true
            } else if errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR {
                return drop(connection)
            }
        }
        // The lines read with the hang-up are still answered when the handler is direct;
        // a client that closed both ways can receive nothing more after that.
        guard advance(&connection, now: now), revents & Int32(POLLHUP) == 0 else { return drop(connection) }
        connections[id] = connection
    }

    private func deliver(_ reply: String, to id: UInt64, now: ContinuousClock.Instant) {
        // The connection may have gone meanwhile; its reply then has nobody to go to.
        guard var connection = connections[id] else { return }
        connection.awaitingReply = false
        connection.queue(reply: reply)
        connection.lastProgress = now
        if advance(&connection, now: now) { connections[id] = connection } else { drop(connection) }
    }

    /// Hands waiting lines to the handler, in order, and writes what can be written now; again
    /// while writing made room for more. Returns false when the connection is to be closed.
    private func advance(_ connection: inout LineConnection, now: ContinuousClock.Instant) -> Bool {
        _ = takeRequests(&connection, now: now)
        while true {
            guard writePending(&connection, now: now) else { return false }
            // Waiting on the handler, on the client to read, or for a line: poll says when to go on.
            guard connection.takesRequests(limits), takeRequests(&connection, now: now) else { break }
        }
        return !connection.isFinished
    }

    /// Returns whether any line was taken.
    private func takeRequests(_ connection: inout LineConnection, now: ContinuousClock.Instant) -> Bool {
        var took = false
        while connection.takesRequests(limits) {
            switch connection.nextLine(maximumLength: limits.maximumLineLength) {
            case .none:
                return took
            case .tooLong:
                connection.queue(reply: Self.tooLongReply(limits.maximumLineLength))
                connection.closeWhenFlushed = true
            case .request(let line):
                connection.lastProgress = now
                switch handler {
                case .direct(let answer):
                    connection.queue(reply: answer(line))
                case .async(let answer):
                    connection.awaitingReply = true
                    let id = connection.id
                    Task { [self] in post(await answer(line), to: id) }
                }
            }
            took = true
        }
        return took
    }

    /// Writes until done or the socket is full; false when the client is gone.
    private func writePending(_ connection: inout LineConnection, now: ContinuousClock.Instant) -> Bool {
        let fd = connection.fd
        while connection.pendingOutputCount > 0 {
            let written = connection.writePending { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                connection.lastProgress = now
            } else if written < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                return true
            } else if written == 0 || errno != EINTR {
                return false
            }
        }
        return true
    }

    private func dropExpired(now: ContinuousClock.Instant) {
        for connection in connections.values {
            guard let deadline = connection.deadline(limits), now >= deadline else { continue }
            // Said only when no reply is half-written, so the notice cannot land inside one.
            if connection.pendingOutputCount == 0 { sendNotice(Self.timedOutReply, to: connection.fd) }
            drop(connection)
        }
    }

    private func drop(_ connection: LineConnection) {
        connections[connection.id] = nil
        close(connection.fd)
    }

    /// One line, best effort, to a client about to be closed; never waits for it.
    private func sendNotice(_ reply: String, to fd: Int32) {
        let bytes = Array((reply + "\n").utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
    }

    /// What `ps -L` and /proc show; Glibc's module map has no pthread_setname_np, and a thread
    /// unnamed would carry the name of whichever thread started the server.
    private static func nameThisThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = Array(name.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    private static func makeNonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    private func closeEverything() {
        for connection in connections.values { close(connection.fd) }
        connections.removeAll()
        var status = stat()
        if lstat(path, &status) == 0, UInt64(status.st_dev) == socketFile.device, UInt64(status.st_ino) == socketFile.inode {
            unlink(path)
        }
        close(listener)
    }
}
