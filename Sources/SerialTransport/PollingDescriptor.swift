#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Blocking reads and writes on a non-blocking descriptor, woken at once by `close()`.
///
/// POSIX.1-2017 `poll` — each wait covers the device and the read end of a self-pipe;
/// `close()` writes one byte to the pipe, so a `read` blocked in another thread returns
/// `.closed` immediately instead of sleeping out its timeout. The device descriptor itself
/// is released (by the owner's `release` closure) only after the last read or write in
/// progress has left `poll`, so a descriptor number is never closed under a waiting
/// thread and reused by an unrelated `open`.
///
/// `wake()` uses a second pipe that only `read` watches: it makes a blocked read return `[]`
/// early (work was posted to the thread that reads), and never disturbs a write.
///
/// Hang-up, `POLLERR`, `EIO` and end-of-file all end reading with `.closed`: a hung-up
/// pseudo-terminal reports readable forever, and treating that as "no data yet" would spin.
final class PollingDescriptor: Sendable {
    let fd: Int32
    let device: String

    private let wakeReadFD: Int32
    private let wakeWriteFD: Int32
    /// The `wake()` pipe: read end polled by `read` only.
    private let nudgeReadFD: Int32
    private let nudgeWriteFD: Int32
    private let release: @Sendable (Int32) -> Void
    private let state = Mutex(State())

    private struct State {
        var closed = false
        /// A nudge byte is in its pipe and not yet taken by a read.
        var nudgePending = false
        var operationsInProgress = 0
        var released = false
    }

    /// Takes ownership of `fd`, makes it non-blocking, and calls `release(fd)` exactly once
    /// when closed — also when this initialiser throws.
    init(fd: Int32, device: String, release: @escaping @Sendable (Int32) -> Void) throws(TransportError) {
        var pipeFDs: [Int32] = [-1, -1]
        var nudgeFDs: [Int32] = [-1, -1]
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else {
            let code = errno
            release(fd)
            throw .fromErrno(code, device: device, operation: "configure", context: "fcntl")
        }
        guard pipe(&pipeFDs) == 0 else {
            let code = errno
            release(fd)
            throw .fromErrno(code, device: device, operation: "open", context: "wake pipe")
        }
        guard pipe(&nudgeFDs) == 0 else {
            let code = errno
            release(fd)
            for pipeFD in pipeFDs { _ = Glibc.close(pipeFD) }
            throw .fromErrno(code, device: device, operation: "open", context: "wake pipe")
        }
        for pipeFD in pipeFDs + nudgeFDs {
            _ = fcntl(pipeFD, F_SETFD, FD_CLOEXEC)
            _ = fcntl(pipeFD, F_SETFL, fcntl(pipeFD, F_GETFL) | O_NONBLOCK)
        }
        self.fd = fd
        self.device = device
        self.release = release
        wakeReadFD = pipeFDs[0]
        wakeWriteFD = pipeFDs[1]
        nudgeReadFD = nudgeFDs[0]
        nudgeWriteFD = nudgeFDs[1]
    }

    deinit {
        close()
    }

    var isClosed: Bool {
        state.withLock { $0.closed }
    }

    /// Returns what is available, waiting up to `timeout` for the first byte; `[]` on timeout.
    func read(maxCount: Int, timeout: Duration) throws(TransportError) -> [UInt8] {
        precondition(maxCount > 0, "read needs room for at least one byte")
        try begin(operation: "read")
        defer { end() }

        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            var pollSet = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeReadFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: nudgeReadFD, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&pollSet, 3, Self.milliseconds(until: deadline))
            if ready < 0 {
                let code = errno
                if code == EINTR { continue }
                throw .fromErrno(code, device: device, operation: "read", context: "poll")
            }
            if pollSet[1].revents != 0 { throw closedError(operation: "read") }
            if ready == 0 { return [] }
            if pollSet[2].revents != 0 && pollSet[0].revents == 0 {
                takeNudge()
                return []
            }

            let events = pollSet[0].revents
            if events & Int16(POLLNVAL) != 0 { throw closedError(operation: "read") }
            if events & Int16(POLLIN) != 0 || events & Int16(POLLHUP | POLLERR) != 0 {
                // Read even on hang-up: a device may still hold bytes sent just before it
                // (a Linux pty does not: its hang-up flushes them).
                var count = 0
                var code: Int32 = 0
                let received = [UInt8](unsafeUninitializedCapacity: maxCount) { buffer, initialized in
                    count = Glibc.read(fd, buffer.baseAddress, maxCount)
                    code = count < 0 ? errno : 0
                    initialized = max(count, 0)
                }
                if count > 0 { return received }
                if count == 0 { throw closedError(operation: "read", detail: "end of file") }
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK {
                    if events & Int16(POLLHUP | POLLERR) != 0 { throw closedError(operation: "read") }
                    continue  // a wake-up with nothing to read; poll again for what is left of the timeout
                }
                throw .fromErrno(code, device: device, operation: "read")
            }
        }
    }

    /// Writes every byte, waiting for the device to drain for at most `timeout` in all.
    func write(_ bytes: [UInt8], timeout: Duration) throws(TransportError) {
        try begin(operation: "write")
        defer { end() }

        let deadline = ContinuousClock.now.advanced(by: timeout)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if count > 0 {
                offset += count
                continue
            }
            let code = count < 0 ? errno : EAGAIN
            if code == EINTR { continue }
            guard code == EAGAIN || code == EWOULDBLOCK else {
                throw .fromErrno(code, device: device, operation: "write")
            }
            try waitUntilWritable(deadline: deadline, written: offset, of: bytes.count)
        }
    }

    /// Makes a blocked (or the next) `read` return `[]` without closing anything. One byte in
    /// the nudge pipe, written only when none is pending, so a burst of wake-ups costs one write.
    func wake() {
        state.withLock { state in
            guard !state.closed, !state.nudgePending else { return }
            state.nudgePending = true
            var byte: UInt8 = 1
            _ = Glibc.write(nudgeWriteFD, &byte, 1)
        }
    }

    private func takeNudge() {
        state.withLock { state in
            guard state.nudgePending else { return }
            state.nudgePending = false
            var byte: UInt8 = 0
            _ = Glibc.read(nudgeReadFD, &byte, 1)
        }
    }

    /// Marks the descriptor closed, wakes any waiting read or write, and releases the device
    /// once none is left in progress. Idempotent.
    func close() {
        let releaseNow: Bool = state.withLock { state in
            guard !state.closed else { return false }
            state.closed = true
            var byte: UInt8 = 1
            _ = Glibc.write(wakeWriteFD, &byte, 1)
            return markReleasedIfIdle(&state)
        }
        if releaseNow { releaseDescriptors() }
    }

    private func waitUntilWritable(
        deadline: ContinuousClock.Instant, written: Int, of total: Int
    ) throws(TransportError) {
        while true {
            let milliseconds = Self.milliseconds(until: deadline)
            var pollSet = [
                pollfd(fd: fd, events: Int16(POLLOUT), revents: 0),
                pollfd(fd: wakeReadFD, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&pollSet, 2, milliseconds)
            if ready < 0 {
                let code = errno
                if code == EINTR { continue }
                throw .fromErrno(code, device: device, operation: "write", context: "poll")
            }
            if pollSet[1].revents != 0 { throw closedError(operation: "write") }
            if ready == 0 {
                throw TransportError(
                    device: device, kind: .system(errno: ETIMEDOUT), operation: "write",
                    detail: "timed out with \(written) of \(total) bytes written")
            }
            let events = pollSet[0].revents
            if events & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { throw closedError(operation: "write") }
            if events & Int16(POLLOUT) != 0 { return }
        }
    }

    private func begin(operation: String) throws(TransportError) {
        let open = state.withLock { state in
            guard !state.closed else { return false }
            state.operationsInProgress += 1
            return true
        }
        guard open else { throw closedError(operation: operation) }
    }

    private func end() {
        let releaseNow = state.withLock { state in
            state.operationsInProgress -= 1
            return markReleasedIfIdle(&state)
        }
        if releaseNow { releaseDescriptors() }
    }

    private func markReleasedIfIdle(_ state: inout State) -> Bool {
        guard state.closed, state.operationsInProgress == 0, !state.released else { return false }
        state.released = true
        return true
    }

    private func releaseDescriptors() {
        release(fd)
        for pipeFD in [wakeReadFD, wakeWriteFD, nudgeReadFD, nudgeWriteFD] { _ = Glibc.close(pipeFD) }
    }

    private func closedError(operation: String, detail: String = "") -> TransportError {
        TransportError(device: device, kind: .closed, operation: operation, detail: detail)
    }

    /// The wait left until `deadline`, rounded up to whole milliseconds so a wait never
    /// ends just before its deadline and comes back for a zero-length poll.
    static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let total = seconds.multipliedReportingOverflow(by: 1000)
        guard !total.overflow else { return Int32.max }
        let milliseconds = total.partialValue + (attoseconds + perMillisecond - 1) / perMillisecond
        return Int32(clamping: milliseconds)
    }
}
