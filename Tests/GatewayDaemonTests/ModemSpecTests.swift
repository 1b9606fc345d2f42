import ATModem
import GatewayDaemon
import Testing

/// `--modem PATH=E164[,key=value…]`, every field and every refusal.
@Suite struct ModemSpecTests {
    static let defaults = ModemSetup(device: "", number: "")

    @Test func aFullSpecSetsEveryField() throws {
        let setup = try ModemSpec.parse("/dev/ttyUSB2=+4917000000001,pin=1234,receive=direct,baud=9600,flow-control=rts-cts", defaults: Self.defaults)
        #expect(setup.device == "/dev/ttyUSB2")
        #expect(setup.number == "+4917000000001")
        #expect(setup.modem.pin == "1234")
        #expect(setup.modem.receiveMode == .direct)
        #expect(setup.serial.baudRate == 9600)
        #expect(setup.serial.flowControl == .rtsCts)
    }

    @Test func whatASpecDoesNotSayComesFromTheDefaults() throws {
        var defaults = Self.defaults
        defaults.modem.receiveMode = .direct
        defaults.serial.baudRate = 57_600
        let setup = try ModemSpec.parse("/dev/ttyUSB3=+4917000000002", defaults: defaults)
        #expect(setup.modem.receiveMode == .direct && setup.serial.baudRate == 57_600)
    }

    @Test(arguments: [
        ("/dev/ttyUSB2", "expected PATH=E164"),
        ("ttyUSB2=+4917000000001", "absolute path"),
        ("/dev/ttyUSB2=4917000000001", "is not an E.164 number"),
        ("/dev/ttyUSB2=+49170", "is not an E.164 number"),
        ("/dev/ttyUSB2=+4917000000001,pin=12", "pin must be 4 to 8 digits"),
        ("/dev/ttyUSB2=+4917000000001,receive=sometimes", "receive must be storage or direct"),
        ("/dev/ttyUSB2=+4917000000001,baud=fast", "baud must be a positive whole number"),
        ("/dev/ttyUSB2=+4917000000001,flow-control=xon", "flow-control must be none or rts-cts"),
        ("/dev/ttyUSB2=+4917000000001,colour=red", "unknown key 'colour'"),
        ("/dev/ttyUSB2=+4917000000001,pin", "is not key=value"),
    ])
    func aWrongSpecIsRefusedNamingWhatIsWrong(_ text: String, _ words: String) {
        #expect {
            _ = try ModemSpec.parse(text, defaults: Self.defaults)
        } throws: { error in
            (error as? ModemSpec.Refusal)?.description.contains(words) == true
        }
    }

    @Test(arguments: [
        ([("/dev/a", "+4917000000001"), ("/dev/a", "+4917000000002")], "is given twice"),
        ([("/dev/a", "+4917000000001"), ("/dev/b", "+4917000000001")], "for two modems"),
        ([], "no modem"),
    ])
    func aWrongPoolIsRefused(_ modems: [(String, String)], _ words: String) {
        #expect {
            try ModemSpec.checkPool(modems.map { ModemSetup(device: $0.0, number: $0.1) })
        } throws: { error in
            (error as? ModemSpec.Refusal)?.description.contains(words) == true
        }
    }
}
