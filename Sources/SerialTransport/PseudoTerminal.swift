#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSerialPort
import Synchronization

/// A pseudo-terminal pair whose master side we own: the simulator's modem side, a test's far end.
///
/// POSIX.1-2017 `posix_openpt`, `grantpt`, `unlockpt`, `ptsname` — Unix98 pseudo-terminals.
/// The slave is put in raw mode (`cfmakeraw`: no echo, no line discipline, 8-bit clean), so
/// bytes pass unchanged in both directions.
///
/// As a `Transport` it is the master side: `read` returns what the client wrote to the slave,
/// `write` sends to the client, and `path` is the slave path.
///
/// By default the pair also holds one descriptor of its own slave open. Without it, the master
/// sees hang-up (`EIO`, `POLLHUP`) whenever no client has the slave open — between two runs of
/// a daemon, say — and a simulator would have to tell that apart from a real end.
public final class PseudoTerminal: Transport {
    /// The master descriptor, for callers with their own event loop; `read` and `write` are
    /// the simpler way. Non-blocking and close-on-exec. Owned by this object: never close it.
    public let masterFD: Int32
    /// The slave device, such as `/dev/pts/7`: what a client opens.
    public let slavePath: String

    /// How long one `write` may wait for the client to drain the slave before it throws.
    public let writeTimeout: Duration

    private let master: PollingDescriptor
    private let state = Mutex(State())

    private struct State {
        var closed = false
        var publishedLinks: [String] = []
    }

    private static let multiplexer = "/dev/ptmx"

    /// Opens a new pair and puts its slave in raw mode.
    /// - Parameter holdSlaveOpen: keep a slave descriptor open so the master never sees
    ///   hang-up while this object lives (see the type's documentation). Without it, `read`
    ///   throws `.closed` whenever no client has the slave open, though the pair stays
    ///   usable: a caller that wants to notice a client leaving must then wait before retrying.
    public init(holdSlaveOpen: Bool = true, writeTimeout: Duration = .seconds(10)) throws(TransportError) {
        let master = trackerd_posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else {
            throw .fromErrno(errno, device: Self.multiplexer, operation: "open", context: "posix_openpt")
        }
        var slaveFD: Int32 = -1
        do throws(TransportError) {
            guard trackerd_grantpt(master) == 0 else {
                throw TransportError.fromErrno(errno, device: Self.multiplexer, operation: "open", context: "grantpt")
            }
            guard trackerd_unlockpt(master) == 0 else {
                throw TransportError.fromErrno(errno, device: Self.multiplexer, operation: "open", context: "unlockpt")
            }
            let name = try Self.slaveName(of: master)
            slaveFD = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)
            guard slaveFD >= 0 else {
                throw TransportError.fromErrno(errno, device: name, operation: "open")
            }
            try Self.makeRaw(slaveFD, device: name)
            if !holdSlaveOpen {
                _ = Glibc.close(slaveFD)
                slaveFD = -1
            }
            slavePath = name
        } catch {
            if slaveFD >= 0 { _ = Glibc.close(slaveFD) }
            _ = Glibc.close(master)
            throw error
        }
        masterFD = master
        self.writeTimeout = writeTimeout
        // The descriptor closes the master (and releases the held slave) once no read or
        // write is in progress; it does so itself if its initialiser throws.
        self.master = try PollingDescriptor(fd: master, device: slavePath) { [slaveFD] fd in
            if slaveFD >= 0 { _ = Glibc.close(slaveFD) }
            _ = Glibc.close(fd)
        }
    }

    /// The slave path, which is what a client opens.
    public var path: String { slavePath }

    /// Returns what the client wrote to the slave, waiting up to `timeout` for the first byte.
    public func read(maxCount: Int, timeout: Duration) throws(TransportError) -> [UInt8] {
        try master.read(maxCount: maxCount, timeout: timeout)
    }

    /// Sends every byte to the client.
    public func write(_ bytes: [UInt8]) throws(TransportError) {
        try master.write(bytes, timeout: writeTimeout)
    }

    deinit {
        close()
    }

    /// Makes `link` a symbolic link to `slavePath`, replacing whatever link or file was there.
    ///
    /// The new link is made beside `link` under a temporary name and renamed over it, so a
    /// client opening `link` sees either the old target or the new one, never nothing.
    /// A directory at `link` is not replaced. `close()` removes the link again.
    public func publish(link: String) throws(TransportError) {
        let temporary = "\(link).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard symlink(slavePath, temporary) == 0 else {
            throw .fromErrno(errno, device: link, operation: "publish", context: "symlink")
        }
        guard rename(temporary, link) == 0 else {
            let code = errno
            _ = unlink(temporary)
            throw .fromErrno(code, device: link, operation: "publish", context: "rename")
        }
        state.withLock { state in
            if !state.publishedLinks.contains(link) { state.publishedLinks.append(link) }
        }
    }

    public func wake() {
        master.wake()
    }

    /// Closes the master, so whoever has the slave open sees hang-up, and removes the links
    /// `publish(link:)` made that still point here. Idempotent.
    public func close() {
        let links: [String]? = state.withLock { state in
            guard !state.closed else { return nil }
            state.closed = true
            return state.publishedLinks
        }
        guard let links else { return }
        for link in links where Self.readLink(link) == slavePath {
            _ = unlink(link)
        }
        master.close()
    }

    /// Whether `close()` has run.
    public var isClosed: Bool {
        state.withLock { $0.closed }
    }

    private static func slaveName(of master: Int32) throws(TransportError) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        let result = trackerd_ptsname(master, &buffer, buffer.count)
        guard result == 0 else {
            throw .fromErrno(result, device: multiplexer, operation: "open", context: "ptsname")
        }
        return String(cChars: buffer)
    }

    private static func makeRaw(_ fd: Int32, device: String) throws(TransportError) {
        var attributes = termios()
        guard tcgetattr(fd, &attributes) == 0 else {
            throw .fromErrno(errno, device: device, operation: "configure", context: "tcgetattr")
        }
        cfmakeraw(&attributes)
        guard tcsetattr(fd, TCSANOW, &attributes) == 0 else {
            throw .fromErrno(errno, device: device, operation: "configure", context: "tcsetattr")
        }
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(cChars: buffer.prefix(count))
    }
}
