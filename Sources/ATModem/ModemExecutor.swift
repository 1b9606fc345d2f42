#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SerialTransport
import Synchronization

/// One modem's thread: it reads the modem's transport, runs the jobs and timers posted to it,
/// and is the serial executor of that modem's `Modem` and the task executor of the relay work
/// for what the modem received (DESIGN.md "Threads: one straight walk per modem").
///
/// The loop: run every queued job; fire every timer that has come due; then block in the
/// transport's `read` (its `poll(2)` on the device and a wake pipe) until bytes arrive, the
/// earliest timer is due, or work is posted from another thread (`Transport.wake()`). Bytes go
/// synchronously to the attached handler, so a message walks from the device to the relay's
/// decision without leaving this thread. With no transport attached (between re-opens) it
/// waits on a condition variable instead. Work posted from the thread itself costs no wake-up.
///
/// The shape is swift-nio's event loop as a `SerialExecutor` (`EventLoop+SerialExecutor.swift`):
/// an actor whose `unownedExecutor` is this one runs here, and `assumeIsolated` holds on the
/// thread (`checkIsolated`).
///
/// `@unchecked Sendable`: the mutable state below `lock` is touched only with it held; the
/// `Attached` handlers and `timers` firing run on the executor's own thread.
public final class ModemExecutor: SerialExecutor, TaskExecutor, @unchecked Sendable {
    public let name: String
    public let time: any TimeSource

    private enum Work {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    private struct Attached {
        var transport: any Transport
        var onBytes: @Sendable ([UInt8]) -> Void
        var onClosed: @Sendable (TransportError) -> Void
        var generation: UInt64
    }

    private enum Waiting {
        case no
        case onCondition
        case inRead(any Transport)
    }

    private let lock = ConditionLock()
    private var queue: [Work] = []
    private var timers = TimerQueue<@Sendable () -> Void>()
    private var attached: Attached?
    private var attachGeneration: UInt64 = 0
    private var waiting: Waiting = .no
    /// A wake-up was sent for the current wait; no second one is needed.
    private var woken = false
    private var stopping = false
    private var finished = false
    private var turns: UInt64 = 0
    private var thread = pthread_t()
    /// The thread's id as the thread itself saw it, for `isCurrent` from any thread.
    private let threadID = Atomic<UInt>(0)

    /// Starts the thread; it runs until `shutdown()`.
    public init(name: String, time: any TimeSource = SystemTimeSource.shared) {
        self.name = name
        self.time = time
        let context = Unmanaged.passRetained(self).toOpaque()
        let created = pthread_create(&thread, nil, { context in
            let executor = Unmanaged<ModemExecutor>.fromOpaque(context!).takeRetainedValue()
            executor.runLoop()
            return nil
        }, context)
        precondition(created == 0, "pthread_create failed for the modem thread")
        lock.withLock {
            while threadID.load(ordering: .acquiring) == 0 { lock.wait(until: ContinuousClock.now.advanced(by: .seconds(1))) }
        }
        time.register { [weak self] in self?.wake() }
    }

    /// The executor whose thread the caller runs on, if any.
    public static var current: ModemExecutor? {
        guard let pointer = pthread_getspecific(currentKey) else { return nil }
        return Unmanaged<ModemExecutor>.fromOpaque(pointer).takeUnretainedValue()
    }

    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    // MARK: - Executor conformances

    public func enqueue(_ job: consuming ExecutorJob) {
        post(.job(UnownedJob(job)))
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    public func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    public func checkIsolated() {
        precondition(isCurrent, "not on the modem thread of \(name)")
    }

    /// Whether the caller runs on this executor's thread.
    public var isCurrent: Bool {
        UInt(bitPattern: Int(bitPattern: pthread_self())) == threadID.load(ordering: .acquiring)
    }

    // MARK: - Posting work

    /// Runs `work` on the thread, after what is queued already.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        post(.closure(work))
    }

    /// Runs `work` on the thread once `deadline` has come (on this executor's time source).
    @discardableResult
    public func schedule(at deadline: MonotonicInstant, _ work: @escaping @Sendable () -> Void) -> TimerQueue<@Sendable () -> Void>.Handle {
        let handle = lock.withLock { timers.schedule(at: deadline, work) }
        wakeUnlessCurrent()
        return handle
    }

    @discardableResult
    public func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> TimerQueue<@Sendable () -> Void>.Handle {
        schedule(at: time.now.advanced(by: delay), work)
    }

    public func cancel(_ handle: TimerQueue<@Sendable () -> Void>.Handle) {
        lock.withLock { timers.cancel(handle) }
    }

    /// Suspends the calling task until `deadline` on this executor's time; throws when the task
    /// is cancelled (the timer is then dropped).
    public func sleep(until deadline: MonotonicInstant) async throws {
        let state = SleepState()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard state.install(continuation) else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                let handle = schedule(at: deadline) { state.resume(with: .success(())) }
                state.setCancel { [weak self] in self?.cancel(handle) }
            }
        } onCancel: {
            state.resume(with: .failure(CancellationError()))
        }
    }

    public func sleep(for duration: Duration) async throws {
        try await sleep(until: time.now.advanced(by: duration))
    }

    // MARK: - The transport

    /// Reads `transport` from now on: bytes go to `onBytes`, the end (hang-up, close, error) to
    /// `onClosed` once, both on this thread. Replaces an earlier transport without calling it.
    public func attach(_ transport: any Transport, onBytes: @escaping @Sendable ([UInt8]) -> Void, onClosed: @escaping @Sendable (TransportError) -> Void) {
        lock.withLock {
            attachGeneration += 1
            attached = Attached(transport: transport, onBytes: onBytes, onClosed: onClosed, generation: attachGeneration)
        }
        wakeUnlessCurrent()
    }

    /// Stops reading the transport (it is not closed here).
    public func detach(_ transport: any Transport) {
        let detached: Bool = lock.withLock {
            guard let current = attached, current.transport === transport else { return false }
            attached = nil
            return true
        }
        if detached { wakeUnlessCurrent() }
    }

    // MARK: - Life

    /// How many times the loop went round; a watchdog sees a stuck thread by this not moving.
    public var turnCount: UInt64 { lock.withLock { turns } }

    /// Runs what is queued, then ends the thread; returns once it has ended (from another thread),
    /// or at once from the thread itself. Timers not yet due are dropped; later posts are ignored.
    public func shutdown() {
        lock.withLock { stopping = true }
        guard !isCurrent else { return }
        wake()
        lock.withLock {
            while !finished { lock.wait(until: ContinuousClock.now.advanced(by: .seconds(1))) }
        }
        pthread_join(thread, nil)
    }

    /// Makes the loop look at its queue and timers again (a test clock moved, say).
    public func wake() {
        let transport: (any Transport)? = lock.withLock {
            guard !woken else { return nil }
            switch waiting {
            case .no:
                return nil
            case .onCondition:
                woken = true
                lock.broadcast()
                return nil
            case .inRead(let transport):
                woken = true
                return transport
            }
        }
        transport?.wake()
    }

    // MARK: - The loop

    private func post(_ work: Work) {
        let queued: Bool = lock.withLock {
            guard !finished else { return false }
            queue.append(work)
            return true
        }
        if queued { wakeUnlessCurrent() }
    }

    private func wakeUnlessCurrent() {
        guard !isCurrent else { return }
        wake()
    }

    private func runLoop() {
        // Unretained: the thread holds a retained reference for as long as it runs.
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
        lock.withLock {
            threadID.store(UInt(bitPattern: Int(bitPattern: pthread_self())), ordering: .releasing)
            lock.broadcast()
        }
        var batch: [Work] = []
        while true {
            let due: [@Sendable () -> Void] = lock.withLock {
                turns &+= 1
                swap(&batch, &queue)
                return timers.takeDue(now: time.now)
            }
            for work in batch {
                switch work {
                case .job(let job): job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
                case .closure(let closure): closure()
                }
            }
            batch.removeAll(keepingCapacity: true)
            for timer in due { timer() }
            if !due.isEmpty { continue }

            // Decide how to wait, with the lock held so no post can slip between check and wait.
            enum Next { case run, stop, read(Attached, Duration) }
            let next: Next = lock.withLock {
                if !queue.isEmpty { return .run }
                if stopping { return .stop }
                let deadline = timers.nextDeadline()
                if let deadline, deadline <= time.now { return .run }
                let wait = deadline.flatMap { time.blockingWait(until: $0) } ?? .seconds(3600)
                woken = false
                if let attached {
                    waiting = .inRead(attached.transport)
                    return .read(attached, wait)
                }
                waiting = .onCondition
                lock.wait(until: ContinuousClock.now.advanced(by: wait))
                waiting = .no
                return .run
            }
            switch next {
            case .run:
                continue
            case .stop:
                lock.withLock {
                    finished = true
                    queue.removeAll()
                    lock.broadcast()
                }
                return
            case .read(let source, let wait):
                let result: Result<[UInt8], TransportError>
                do {
                    result = .success(try source.transport.read(maxCount: 4096, timeout: wait))
                } catch {
                    result = .failure(error)
                }
                let current: Bool = lock.withLock {
                    waiting = .no
                    return attached?.generation == source.generation
                }
                guard current else { continue }
                switch result {
                case .success(let bytes) where !bytes.isEmpty:
                    source.onBytes(bytes)
                case .success:
                    continue
                case .failure(let error):
                    lock.withLock { if attached?.generation == source.generation { attached = nil } }
                    source.onClosed(error)
                }
            }
        }
    }
}

/// The hand-over between a sleeping task, its timer and its cancellation; whichever comes first wins.
private final class SleepState: @unchecked Sendable {
    private let lock = ConditionLock()
    private var continuation: CheckedContinuation<Void, any Error>?
    private var done = false
    private var cancelTimer: (@Sendable () -> Void)?

    /// False when cancellation came first.
    func install(_ continuation: CheckedContinuation<Void, any Error>) -> Bool {
        lock.withLock {
            guard !done else { return false }
            self.continuation = continuation
            return true
        }
    }

    func setCancel(_ cancel: @escaping @Sendable () -> Void) {
        let cancelNow: Bool = lock.withLock {
            if done { return true }
            cancelTimer = cancel
            return false
        }
        if cancelNow { cancel() }
    }

    func resume(with result: Result<Void, any Error>) {
        let (continuation, cancel): (CheckedContinuation<Void, any Error>?, (@Sendable () -> Void)?) = lock.withLock {
            guard !done else { return (nil, nil) }
            done = true
            defer { self.continuation = nil; cancelTimer = nil }
            return (self.continuation, cancelTimer)
        }
        if case .failure = result { cancel?() }
        continuation?.resume(with: result)
    }
}
