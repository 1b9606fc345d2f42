import ATModem
import Foundation
import TestSupport
import Testing
@testable import Simulator

/// Third-party AT clients against the virtual modem: if they accept it, it behaves like a modem.
/// Each test runs only where the client is installed (`apt-get install gammu`,
/// `pip install python-gsmmodem-new`).
@Suite(.serialized) struct VirtualModemClientTests {
    static let env = "/usr/bin/env"
    static var hasPythonGsmmodem: Bool { run(["python3", "-c", "import gsmmodem"]).status == 0 }
    static var hasGammu: Bool { run(["gammu", "--version"]).status == 0 }

    static let pythonScript = """
        import sys, time
        from gsmmodem.modem import GsmModem
        received = []
        modem = GsmModem(sys.argv[1], 115200, smsReceivedCallbackFunc=lambda sms: received.append((sms.number, sms.text)))
        modem.connect()
        print('MANUFACTURER', modem.manufacturer)
        print('SIGNAL', modem.signalStrength)
        sent = modem.sendSms('+15550003333', 'hello from python-gsmmodem')
        print('SENT', sent.reference)
        print('READY', flush=True)
        deadline = time.time() + 20
        while not received and time.time() < deadline:
            time.sleep(0.02)
        print('RECEIVED', received[0][0] if received else '', received[0][1] if received else '', flush=True)
        modem.close()
        """

    @Test(.enabled(if: hasPythonGsmmodem))
    func pythonGsmmodemConnectsSendsAndReceives() throws {
        let fixture = try ModemFixture()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.env)
        process.arguments = ["python3", "-c", Self.pythonScript, fixture.link]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let reader = output.fileHandleForReading
        while !text.contains("READY\n") {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        #expect(text.contains("READY\n"), "python-gsmmodem did not get through connect and send: \(text)")
        fixture.modem.deliver(Samples.deliver("tracker says hi", from: "+15550002222"))
        text += String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("MANUFACTURER trackerd"))
        #expect(text.contains("SIGNAL 20"))
        #expect(text.contains("SENT 1"))
        #expect(text.contains("RECEIVED +15550002222 tracker says hi"))
        #expect(fixture.network.submitted.first?.submit.body == .text("hello from python-gsmmodem"))
        #expect(fixture.modem.storedMessages().isEmpty)  // read and deleted by the client
    }

    @Test(.enabled(if: hasGammu))
    func gammuIdentifiesListsAndSends() throws {
        let fixture = try ModemFixture()
        fixture.modem.deliver(Samples.deliver("stored before gammu came", from: "+15550002222"))
        let config = fixture.directory.appendingPathComponent("gammurc").path
        try "[gammu]\ndevice = \(fixture.link)\nconnection = at\n".write(toFile: config, atomically: true, encoding: .utf8)

        let identify = Self.run(["gammu", "-c", config, "identify"])
        #expect(identify.status == 0, "\(identify.output)")
        #expect(identify.output.contains("trackerd"))
        #expect(identify.output.contains("356938035643809"))

        let list = Self.run(["gammu", "-c", config, "getallsms"])
        #expect(list.status == 0, "\(list.output)")
        #expect(list.output.contains("stored before gammu came"))
        #expect(list.output.contains("+15550002222"))

        let send = Self.run(["gammu", "-c", config, "sendsms", "TEXT", "+15550003333", "-text", "hello from gammu"])
        #expect(send.status == 0, "\(send.output)")
        #expect(fixture.network.submitted.last?.submit.body == .text("hello from gammu"))
    }

    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: env)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
