#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import LineSocket

/// One thread for every connection, and the bounds that keep a misbehaving client from hurting
/// the others (issue #9.4). Serialized: the thread counts read /proc, which every server shares.
@Suite(.serialized) struct LineSocketServerTests {
    /// A handler whose "slow" requests wait until the test opens the gate.
    final class Gate: Sendable {
        private let opened = Mutex(false)
        func open() { opened.withLock { $0 = true } }
        var isOpen: Bool { opened.withLock { $0 } }
        func wait() async {
            while !isOpen { try? await Task.sleep(for: .milliseconds(5)) }
        }
    }

    static func echo(_ line: String) -> String { "echo:" + line }

    @Test func aThousandIdleConnectionsCostOneThreadAndTheServerStillAnswers() async throws {
        try ensureDescriptorLimit(2_200)
        // Let the cooperative pool reach its full width first, so its threads are not counted.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<16 { group.addTask { try? await Task.sleep(for: .milliseconds(20)) } }
        }
        let directory = try TemporaryDirectory(prefix: "ls")
        let before = ProcessThreads.ids()
        let server = try LineSocketServer(
            path: directory.appending("s").path, limits: LineSocketLimits(maximumConnections: 1_001), handler: Self.echo)
        defer { server.stop() }
        var idle: [RawClient] = []
        for _ in 0..<1_000 { idle.append(try RawClient(path: server.path)) }
        // Connections are accepted in order, so an answer to the newest proves all are being served.
        let newcomer = try RawClient(path: server.path)
        #expect(newcomer.request("hello") == "echo:hello")
        let created = ProcessThreads.ids().subtracting(before).map(ProcessThreads.name)
        #expect(created.filter { $0 == "line-socket" }.count == 1, "threads created: \(created)")
        // Alone (make test runs suites one at a time) the server's is the only new thread; the
        // slack is for other suites' threads when `swift test` runs them in parallel, far below
        // the thousand a thread per connection would add.
        #expect(created.count <= 1 + 8, "threads created: \(created.count)")
        // And each idle one is a live connection, not one waiting in the backlog.
        #expect(idle[0].request("first") == "echo:first")
        #expect(idle[999].request("last") == "echo:last")
    }

    @Test func aConnectionOverTheCapIsToldAndClosedAndItsSlotComesBackWhenOneLeaves() throws {
        let directory = try TemporaryDirectory(prefix: "ls")
        let server = try LineSocketServer(
            path: directory.appending("s").path, limits: LineSocketLimits(maximumConnections: 2), handler: Self.echo)
        defer { server.stop() }
        var first: RawClient? = try RawClient(path: server.path)
        let second = try RawClient(path: server.path)
        #expect(first?.request("1") == "echo:1")
        #expect(second.request("2") == "echo:2")
        let third = try RawClient(path: server.path)
        #expect(third.readLine() == #"{"ok":false,"error":"too many connections"}"#)
        #expect(third.readLine() == nil)
        #expect(second.request("still") == "echo:still")
        first = nil
        // The server notices the hang-up on its own time; until then a newcomer is refused.
        #expect(pollBlocking { (try? RawClient(path: server.path))?.request("back") == "echo:back" })
    }

    @Test(arguments: ["", #"{"op":"sta"#])
    func aLineNeverFinishedIsDroppedAtTheReadTimeoutWhileOthersAreServed(sent: String) throws {
        let directory = try TemporaryDirectory(prefix: "ls")
        let server = try LineSocketServer(
            path: directory.appending("s").path, limits: LineSocketLimits(readTimeout: .milliseconds(300)), handler: Self.echo)
        defer { server.stop() }
        let stalled = try RawClient(path: server.path)
        stalled.write(sent)
        #expect(try RawClient(path: server.path).request("quick") == "echo:quick")
        #expect(stalled.readLine() == LineSocketLoop.timedOutReply)
        #expect(stalled.readLine() == nil)
        #expect(try RawClient(path: server.path).request("after") == "echo:after")
    }

    @Test func anAsyncRequestLongerThanTheReadTimeoutIsNotDropped() async throws {
        let directory = try TemporaryDirectory(prefix: "ls")
        let gate = Gate()
        let server = try LineSocketServer(
            path: directory.appending("s").path, limits: LineSocketLimits(readTimeout: .milliseconds(100))
        ) { line in
            await gate.wait()
            return "done:" + line
        }
        defer { server.stop() }
        let client = try RawClient(path: server.path)
        client.write("provision\n")
        // Another connection times out meanwhile: the clock ran, and still the waiting one stays.
        let bystander = try RawClient(path: server.path)
        #expect(bystander.readLine() == LineSocketLoop.timedOutReply)
        gate.open()
        #expect(client.readLine() == "done:provision")
    }

    @Test(arguments: [(1_024, true), (1_025, false)])
    func anOverlongLineGetsAnErrorAndTheConnectionIsClosed(length: Int, accepted: Bool) throws {
        let directory = try TemporaryDirectory(prefix: "ls")
        let server = try LineSocketServer(
            path: directory.appending("s").path, limits: LineSocketLimits(maximumLineLength: 1_024), handler: { "\($0.utf8.count)" })
        defer { server.stop() }
        let client = try RawClient(path: server.path)
        client.write(String(repeating: "x", count: length) + "\r\n")
        if accepted {
            #expect(client.readLine() == "1024")
            #expect(client.request("again") == "5")
        } else {
            #expect(client.readLine() == #"{"ok":false,"error":"request line longer than 1024 bytes"}"#)
            #expect(client.readLine() == nil)
        }
    }

    @Test func pipelinedLinesAreAnsweredInOrderWhenLaterOnesAreFaster() throws {
        let directory = try TemporaryDirectory(prefix: "ls")
        let server = try LineSocketServer(path: directory.appending("s").path) { line in
            // The first requests take longest: answered as they finish, they would come back reversed.
            try? await Task.sleep(for: .milliseconds(10 * (5 - (Int(line) ?? 0))))
            return "reply:" + line
        }
        defer { server.stop() }
        let client = try RawClient(path: server.path)
        client.write("1\n2\n\n3\r\n4\n5\n")
        #expect((0..<5).map { _ in client.readLine() } == ["reply:1", "reply:2", "reply:3", "reply:4", "reply:5"])
    }

    @Test func aSlowAsyncRequestDoesNotDelayAnotherConnectionsFastOne() async throws {
        let directory = try TemporaryDirectory(prefix: "ls")
        let gate = Gate()
        let server = try LineSocketServer(path: directory.appending("s").path) { line in
            if line == "slow" { await gate.wait() }
            return "done:" + line
        }
        defer { server.stop() }
        let slow = try RawClient(path: server.path)
        slow.write("slow\n")
        let fast = try RawClient(path: server.path)
        #expect(fast.request("fast") == "done:fast")
        #expect(!gate.isOpen)
        gate.open()
        #expect(slow.readLine() == "done:slow")
    }

    @Test func aClientThatDoesNotReadStallsOnlyItselfAndGetsEveryByteOnceItReads() throws {
        let directory = try TemporaryDirectory(prefix: "ls")
        let big = String(repeating: "b", count: 64 * 1024)
        let server = try LineSocketServer(
            path: directory.appending("s").path, limits: LineSocketLimits(maximumPendingOutput: 4_096)
        ) { line in "\(line):" + big }
        defer { server.stop() }
        let reader = try RawClient(path: server.path)
        // 40 replies of 64 KiB: far more than the socket buffers hold while nobody reads.
        reader.write((0..<40).map { "\($0)\n" }.joined())
        // Compared as flags: a failure printing 64 KiB lines would bury the report.
        let pingAnswered = try RawClient(path: server.path).request("ping") == "ping:" + big
        #expect(pingAnswered)
        let intact = (0..<40).map { index in reader.readLine() == "\(index):" + big }
        #expect(intact.allSatisfy { $0 }, "replies intact: \(intact)")
    }

    @Test func aClientThatStopsSendingStillGetsItsAnswersThenTheEnd() throws {
        let directory = try TemporaryDirectory(prefix: "ls")
        let server = try LineSocketServer(path: directory.appending("s").path) { line in
            try? await Task.sleep(for: .milliseconds(20))
            return "late:" + line
        }
        defer { server.stop() }
        let client = try RawClient(path: server.path)
        client.write("a\nb\n")
        client.shutdownWrite()
        #expect(client.readLine() == "late:a")
        #expect(client.readLine() == "late:b")
        #expect(client.readLine() == nil)
    }

    @Test func stopWithConnectionsOpenClosesThemAndReturnsAfterTheThreadEnded() throws {
        let directory = try TemporaryDirectory(prefix: "ls")
        let gate = Gate()
        let before = ProcessThreads.ids()
        let server = try LineSocketServer(path: directory.appending("s").path) { line in
            await gate.wait()
            return line
        }
        var serverThreads: Set<Int> = []
        // The thread names itself once it runs, which may be just after init returns.
        let started = pollBlocking {
            serverThreads = ProcessThreads.ids().subtracting(before).filter { ProcessThreads.name($0) == "line-socket" }
            return serverThreads.count == 1
        }
        try #require(started)
        let waiting = try RawClient(path: server.path)
        waiting.write("never answered\n")
        let halfLine = try RawClient(path: server.path)
        halfLine.write("half")
        let idle = try (0..<8).map { _ in try RawClient(path: server.path) }
        let queued = try RawClient(path: server.path)
        queued.write("x\n")
        server.stop()
        // stop() has joined the thread; the kernel drops its /proc/self/task entry a moment after
        // the join returns (the tid is cleared at exit, the task reaped just after), so look until it goes.
        #expect(pollBlocking(timeout: .seconds(2)) { serverThreads.allSatisfy { !ProcessThreads.isAlive($0) } })
        #expect(!FileManager.default.fileExists(atPath: server.path))
        for client in [waiting, halfLine, queued] + idle { #expect(client.readLine() == nil) }
        // A reply that comes after the stop has nowhere to go and harms nothing.
        gate.open()
        server.stop()
        #expect(throws: LineSocketError.self) { try LineSocketClient(path: server.path) }
    }
}
