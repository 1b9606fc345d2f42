import TestSupport
import Testing

@testable import ATEngine

@Suite("CommandEngine")
struct CommandEngineTests {
    private let pdu = Array("0011000B911356341200F50000AA05E8329BFD06".utf8)

    @Test func writesCommandWithCarriageReturnAndArmsItsTimeout() {
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT+CMGR=3", timeout: .seconds(2)), id: 1)
        #expect(harness.writtenText == "AT+CMGR=3\\r")
        #expect(harness.timer == TestInstant.zero.advanced(by: .seconds(2)))
        #expect(!harness.engine.isIdle)
    }

    @Test func runsOneCommandAtATimeInFIFOOrder() {
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT+CMEE=1"), id: 1)
        harness.enqueue(ATCommand("AT+CMGF=0"), id: 2)
        harness.enqueue(ATCommand("AT+CNMI=2,1,0,2,0"), id: 3)
        #expect(harness.writtenText == "AT+CMEE=1\\r")
        #expect(harness.engine.queuedCount == 2)
        harness.receive("\r\nOK\r\n")
        #expect(harness.writtenText == "AT+CMEE=1\\r|AT+CMGF=0\\r")
        harness.receive("\r\nOK\r\n\r\nOK\r\n")
        #expect(harness.writtenText == "AT+CMEE=1\\r|AT+CMGF=0\\r|AT+CNMI=2,1,0,2,0\\r")
        #expect(harness.outcomes == [.done(1, ok("AT+CMEE=1")), .done(2, ok("AT+CMGF=0")), .done(3, ok("AT+CNMI=2,1,0,2,0"))])
        #expect(harness.engine.isIdle)
        #expect(harness.timer == nil)
    }

    @Test func commandTimesOutOnTheTestClockAndTheNextOneStarts() {
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT+COPS?", timeout: .seconds(3)), id: 1)
        harness.enqueue(ATCommand("AT"), id: 2)
        harness.advance(.milliseconds(2999))
        #expect(harness.outcomes.isEmpty)
        harness.advance(.milliseconds(1))
        #expect(harness.outcomes == [.done(1, .failure(.timeout(command: "AT+COPS?", after: .seconds(3))))])
        #expect(harness.writtenText == "AT+COPS?\\r|AT\\r")
        #expect(harness.timer == TestInstant(offset: .seconds(8)))
    }

    @Test func informationLinesBeforeATimeoutAreNotReused() {
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT+CGSN", timeout: .seconds(1)), id: 1)
        harness.receive("\r\n8612345")
        harness.advance(.seconds(1))
        harness.enqueue(ATCommand("AT"), id: 2)
        harness.receive("\r\nOK\r\n")
        #expect(harness.outcomes.last == .done(2, ok("AT")))
    }

    @Test func payloadIsWrittenAfterThePromptWithCtrlZ() {
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT+CMGS=19", payload: pdu, timeout: .seconds(10)), id: 1)
        #expect(harness.writtenText == "AT+CMGS=19\\r")
        harness.advance(.seconds(1))
        harness.receive("\r\n> ")
        #expect(harness.writes.last == pdu + [0x1A])
        #expect(harness.timer == TestInstant(offset: .seconds(11)))
        harness.receive("\r\n+CMGS: 44\r\n\r\nOK\r\n")
        #expect(harness.outcomes == [.done(1, ok("AT+CMGS=19", ["+CMGS: 44"]))])
    }

    @Test func promptThatNeverComesIsCancelledWithEscape() {
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT+CMGS=19", payload: pdu, timeout: .seconds(5)), id: 1)
        harness.enqueue(ATCommand("AT"), id: 2)
        harness.advance(.seconds(5))
        #expect(harness.writtenText == "AT+CMGS=19\\r|<ESC>|AT\\r")
        #expect(harness.outcomes == [.done(1, .failure(.timeout(command: "AT+CMGS=19", after: .seconds(5))))])
        // A late '>' is no longer a prompt: the payload must never go out after ESC.
        harness.receive("\r\n> \r\nOK\r\n")
        #expect(!harness.writes.contains(pdu + [0x1A]))
        #expect(harness.outcomes.suffix(2) == [.garbage(.unexpectedPrompt), .done(2, ok("AT"))])
    }

    @Test func resultAfterPayloadTimesOutWithoutEscape() {
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT+CMGS=19", payload: pdu, timeout: .seconds(5)), id: 1)
        harness.receive("> ")
        harness.advance(.seconds(5))
        #expect(harness.writtenText.hasSuffix("^Z"))
        #expect(harness.outcomes == [.done(1, .failure(.timeout(command: "AT+CMGS=19", after: .seconds(5))))])
    }

    @Test func urcWhoseTrailingLineNeverComesIsReportedIncomplete() {
        var harness = EngineHarness(urcTrailingTimeout: .milliseconds(500))
        harness.receive("\r\n+CMT: ,23\r\n")
        #expect(harness.outcomes.isEmpty)
        #expect(harness.timer == TestInstant(offset: .milliseconds(500)))
        #expect(!harness.engine.isIdle)
        harness.advance(.milliseconds(499))
        #expect(harness.outcomes.isEmpty)
        harness.advance(.milliseconds(1))
        #expect(harness.outcomes == [.urc(URC(name: "+CMT", value: ",23", trailing: [], complete: false))])
        #expect(harness.engine.isIdle)
        #expect(harness.timer == nil)
    }

    @Test func urcTrailingTimeoutAndCommandTimeoutShareOneTimer() {
        var harness = EngineHarness(urcTrailingTimeout: .milliseconds(500))
        harness.enqueue(ATCommand("AT+CMGL=4", timeout: .seconds(2)), id: 1)
        #expect(harness.timer == TestInstant(offset: .seconds(2)))
        harness.receive("\r\n+CDS: 25\r\n")
        #expect(harness.timer == TestInstant(offset: .milliseconds(500)))
        harness.advance(.milliseconds(500))
        #expect(harness.outcomes == [.urc(URC(name: "+CDS", value: "25", complete: false))])
        #expect(harness.timer == TestInstant(offset: .seconds(2)))
        harness.receive("\r\nOK\r\n")
        #expect(harness.outcomes.last == .done(1, ok("AT+CMGL=4")))
        #expect(harness.timer == nil)
    }

    /// Urgent commands (a `+CMGD`) go ahead of the ordinary ones queued, behind the one running
    /// and the urgent ones before them. `step`s after the running `AT+CMGR=1`: `+X` queues X
    /// urgent, `X` ordinary, `-X` cancels the queued X, `close` closes the transport (and then
    /// `AT+CMGR=1` runs again). Each row lists the command lines written, in order.
    struct UrgentRow: Sendable, CustomTestStringConvertible {
        var steps: [String]
        var written: [String]
        var testDescription: String { steps.joined(separator: " ") }
    }

    static let urgentRows: [UrgentRow] = [
        .init(steps: ["AT+CMGS=9", "AT+CMGR=2", "+AT+CMGD=1"], written: ["AT+CMGR=1", "AT+CMGD=1", "AT+CMGS=9", "AT+CMGR=2"]),
        .init(steps: ["AT+CMGR=2", "+AT+CMGD=1", "AT+CMGR=3", "+AT+CMGD=2"], written: ["AT+CMGR=1", "AT+CMGD=1", "AT+CMGD=2", "AT+CMGR=2", "AT+CMGR=3"]),
        .init(steps: ["+AT+CMGD=1", "+AT+CMGD=2"], written: ["AT+CMGR=1", "AT+CMGD=1", "AT+CMGD=2"]),
        .init(steps: ["AT+CMGR=2", "+AT+CMGD=1", "-AT+CMGD=1", "+AT+CMGD=2", "AT+CMGR=3"], written: ["AT+CMGR=1", "AT+CMGD=2", "AT+CMGR=2", "AT+CMGR=3"]),
        .init(steps: ["AT+CMGR=2", "+AT+CMGD=1", "close", "AT+CMGR=4", "+AT+CMGD=3"], written: ["AT+CMGR=1", "AT+CMGR=1", "AT+CMGD=3", "AT+CMGR=4"]),
        .init(steps: ["AT+CSQ", "AT+CREG?"], written: ["AT+CMGR=1", "AT+CSQ", "AT+CREG?"]),
    ]

    @Test(arguments: urgentRows)
    func urgentCommandsGoAheadOfOrdinaryOnes(_ row: UrgentRow) {
        var harness = EngineHarness()
        var ids: [String: UInt64] = [:]
        var next: UInt64 = 1
        harness.enqueue(ATCommand("AT+CMGR=1"), id: next)
        for step in row.steps {
            next += 1
            if step == "close" {
                harness.record(harness.engine.transportClosed())
                harness.enqueue(ATCommand("AT+CMGR=1"), id: next)
            } else if step.hasPrefix("-") {
                if let id = ids[String(step.dropFirst())] { harness.record(harness.engine.cancel(CommandID(id), now: harness.now)) }
            } else {
                let urgent = step.hasPrefix("+")
                let text = urgent ? String(step.dropFirst()) : step
                ids[text] = next
                harness.enqueue(ATCommand(text, urgent: urgent), id: next)
            }
        }
        while !harness.engine.isIdle { harness.receive("\r\nOK\r\n") }
        #expect(harness.writtenText == row.written.map { $0 + "\\r" }.joined(separator: "|"))
        #expect(harness.engine.queuedCount == 0)
    }

    @Test func transportClosedFailsRunningAndQueuedCommands() {
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT+CMGR=1"), id: 1)
        harness.enqueue(ATCommand("AT+CMGD=1"), id: 2)
        harness.receive("\r\n+CMGR: 0,,23\r\n")
        harness.record(harness.engine.transportClosed())
        #expect(harness.outcomes == [
            .done(1, .failure(.transportClosed(command: "AT+CMGR=1"))),
            .done(2, .failure(.transportClosed(command: "AT+CMGD=1"))),
        ])
        #expect(harness.engine.isIdle)
        #expect(harness.timer == nil)
        // Usable again after a reconnect, with no half line left over.
        harness.enqueue(ATCommand("AT"), id: 3)
        harness.receive("\r\nOK\r\n")
        #expect(harness.outcomes.last == .done(3, ok("AT")))
    }

    @Test func cancellingARunningCommandSwallowsItsLateResult() {
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT+COPS=?", timeout: .seconds(180)), id: 1)
        harness.enqueue(ATCommand("AT+CSQ"), id: 2)
        harness.record(harness.engine.cancel(CommandID(1), now: harness.now))
        #expect(harness.outcomes == [.done(1, .failure(.cancelled(command: "AT+COPS=?")))])
        #expect(harness.writtenText == "AT+COPS=?\\r")
        harness.receive("\r\n+COPS: (2,\"Op\",\"Op\",\"00101\",7)\r\n\r\nOK\r\n")
        #expect(harness.writtenText == "AT+COPS=?\\r|AT+CSQ\\r")
        harness.receive("\r\n+CSQ: 9,99\r\n\r\nOK\r\n")
        #expect(harness.outcomes.last == .done(2, ok("AT+CSQ", ["+CSQ: 9,99"])))
        #expect(harness.outcomes.count == 2)
    }

    @Test func cancellingAQueuedCommandRemovesIt() {
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT"), id: 1)
        harness.enqueue(ATCommand("AT+CSQ"), id: 2)
        harness.record(harness.engine.cancel(CommandID(2), now: harness.now))
        harness.receive("\r\nOK\r\n")
        #expect(harness.outcomes == [.done(2, .failure(.cancelled(command: "AT+CSQ"))), .done(1, ok("AT"))])
        #expect(harness.writtenText == "AT\\r")
        #expect(harness.engine.isIdle)
    }

    @Test func cancellingWhileWaitingForThePromptWritesEscape() {
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT+CMGS=19", payload: pdu), id: 1)
        harness.record(harness.engine.cancel(CommandID(1), now: harness.now))
        #expect(harness.writtenText == "AT+CMGS=19\\r|<ESC>")
        #expect(harness.outcomes == [.done(1, .failure(.cancelled(command: "AT+CMGS=19")))])
    }

    @Test("commands that would break framing are refused unwritten", arguments: [
        ATCommand("AT\r+CMGD=1"),
        ATCommand("AT\n"),
        ATCommand("AT+CMGS=3", payload: [0x30, 0x1A, 0x30]),
        ATCommand("AT+CMGS=3", payload: [0x1B]),
    ])
    func refusesCommandThatBreaksFraming(command: ATCommand) {
        var harness = EngineHarness()
        harness.enqueue(command, id: 1)
        #expect(harness.writes.isEmpty)
        guard case .done(1, .failure(.invalidCommand)) = harness.outcomes.first else {
            Issue.record("expected invalidCommand, got \(harness.outcomes)")
            return
        }
    }

    @Test func overlongLineIsReportedAsGarbageAndTheResponseContinues() {
        var harness = EngineHarness(maxLineLength: 64)
        harness.enqueue(ATCommand("AT+CMGL=4"), id: 1)
        harness.receive("\r\n" + String(repeating: "F", count: 500) + "\r\n+CMGL: 1,1,,3\r\n\r\nOK\r\n")
        #expect(harness.outcomes == [.garbage(.overlongLine), .done(1, ok("AT+CMGL=4", ["+CMGL: 1,1,,3"]))])
    }

    @Test func overlongTrailingLineLeavesTheURCIncomplete() {
        var harness = EngineHarness(maxLineLength: 64)
        harness.receive("\r\n+CMT: ,200\r\n" + String(repeating: "0", count: 400) + "\r\n+CMTI: \"SM\",1\r\n")
        #expect(harness.outcomes == [
            .urc(URC(name: "+CMT", value: ",200", complete: false)), .garbage(.overlongLine),
            .urc(URC(name: "+CMTI", value: "\"SM\",1")),
        ])
    }

    @Test func garbageBytesNeverCrashAndNeverEndACommand() {
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT"), id: 1)
        harness.receive(bytes: [0xFF, 0xFE, 0x00, 0xC3, 0x0D, 0x80, 0x81, 0x0A])
        #expect(harness.outcomes.isEmpty)
        harness.receive("\r\nOK\r\n")
        guard case .done(1, .success(let response)) = harness.outcomes.last else {
            Issue.record("no completion: \(harness.outcomes)")
            return
        }
        #expect(response.lines.count == 2)
    }

    @Test func setTimerIsSentOnlyWhenTheDeadlineChanges() {
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT"), id: 1)
        harness.receive("\r\n")
        harness.receive("\r\n")
        let timers = harness.actions.filter { if case .setTimer = $0 { return true } else { return false } }
        #expect(timers.count == 1)
    }

    @Test func timerFiredEarlyDoesNothing() {
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT", timeout: .seconds(1)), id: 1)
        harness.record(harness.engine.timerFired(now: TestInstant(offset: .milliseconds(10))))
        #expect(harness.outcomes.isEmpty)
    }
}

@Suite("ATError")
struct ATErrorTests {
    @Test func descriptionNamesCommandAndCode() {
        let error = ATError.commandFailed(command: "AT+CMGS=19", result: .cmsError(304, "304"))
        #expect(error.description == "AT+CMGS=19: modem answered +CMS ERROR: 304")
        #expect(ATError.commandFailed(command: "AT+CPIN?", result: .cmeError(10, "SIM not inserted")).description
            == "AT+CPIN?: modem answered +CME ERROR: 10 (SIM not inserted)")
        #expect(ATError.timeout(command: "AT", after: .seconds(5)).description == "AT: no answer within 5.0 seconds")
    }

    @Test func descriptionNeverShowsAPINOrPassword() {
        let error = ATError.commandFailed(command: "AT+CPIN=\"1234\"", result: .cmeError(16, "16"))
        #expect(!error.description.contains("1234"))
        #expect(!ATError.timeout(command: "at+clck=\"SC\",0,\"9876\"", after: .seconds(1)).description.contains("9876"))
    }

    @Test func commandDescriptionHidesThePayload() {
        let payload = Array("0011000B911356341200F50000AA05E8329BFD06".utf8)
        let command = ATCommand("AT+CMGS=19", payload: payload)
        #expect(command.description == "AT+CMGS=19 (+40-byte payload)")
        #expect(!"\(command)".contains("E8329BFD06"))
    }

    @Test func payloadNeverReachesAnErrorFromTheEngine() {
        let payload = Array("0011000B911356341200F50000AA05E8329BFD06".utf8)
        var harness = EngineHarness()
        harness.enqueue(ATCommand("AT+CMGS=19", payload: payload, timeout: .seconds(1)), id: 1)
        harness.receive("\r\n> ")
        harness.receive("\r\n+CMS ERROR: 500\r\n")
        harness.enqueue(ATCommand("AT+CMGS=19", payload: payload, timeout: .seconds(1)), id: 2)
        harness.advance(.seconds(2))
        for outcome in harness.outcomes {
            guard case .done(_, .failure(let error)) = outcome else { continue }
            #expect(!"\(error)".contains("E8329BFD06"))
            #expect(!String(reflecting: error).contains("E8329BFD06"))
        }
        #expect(harness.outcomes.count == 2)
    }
}
