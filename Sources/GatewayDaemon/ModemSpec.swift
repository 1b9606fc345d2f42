import ATModem

/// `--modem PATH=E164[,key=value…]`: one modem of the pool as the command line gives it.
///
/// Keys: `pin`, `receive` (`storage` | `direct`), `baud`, `flow-control` (`none` | `rts-cts`).
/// The number is the gateway number of the modem's SIM; the registry must hold it.
public enum ModemSpec {
    /// Why a `--modem` (or a set of them) was refused; one line, naming the value.
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    public static let keys = ["pin", "receive", "baud", "flow-control"]

    /// Parses one `--modem` value; `defaults` supplies what the value does not set.
    public static func parse(_ text: String, defaults: ModemSetup) throws(Refusal) -> ModemSetup {
        guard let equals = text.firstIndex(of: "=") else {
            throw Refusal("--modem '\(text)': expected PATH=E164[,key=value…]")
        }
        let device = String(text[..<equals])
        let fields = text[text.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !device.isEmpty, device.hasPrefix("/") else {
            throw Refusal("--modem '\(text)': the device must be an absolute path")
        }
        let number = fields.first ?? ""
        guard number.first == "+", number.count >= 8, number.count <= 16, number.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw Refusal("--modem '\(text)': '\(number)' is not an E.164 number (+ and 7 to 15 digits)")
        }
        var setup = defaults
        setup.device = device
        setup.number = number
        for field in fields.dropFirst() {
            let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw Refusal("--modem '\(text)': '\(field)' is not key=value (keys: \(keys.joined(separator: ", ")))")
            }
            let (key, value) = (parts[0], parts[1])
            switch key {
            case "pin":
                guard (4...8).contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw Refusal("--modem '\(device)=…': pin must be 4 to 8 digits")
                }
                setup.modem.pin = value
            case "receive":
                guard let mode = ModemConfiguration.ReceiveMode(rawValue: value) else {
                    throw Refusal("--modem '\(device)=…': receive must be storage or direct, not '\(value)'")
                }
                setup.modem.receiveMode = mode
            case "baud":
                guard let baud = Int(value), baud > 0 else {
                    throw Refusal("--modem '\(device)=…': baud must be a positive whole number, not '\(value)'")
                }
                setup.serial.baudRate = baud
            case "flow-control":
                guard let flow = SerialSettings.FlowControl(rawValue: value) else {
                    throw Refusal("--modem '\(device)=…': flow-control must be none or rts-cts, not '\(value)'")
                }
                setup.serial.flowControl = flow
            default:
                throw Refusal("--modem '\(device)=…': unknown key '\(key)' (keys: \(keys.joined(separator: ", ")))")
            }
        }
        return setup
    }

    /// Refuses a pool with the same device or the same number twice.
    public static func checkPool(_ modems: [ModemSetup]) throws(Refusal) {
        guard !modems.isEmpty else { throw Refusal("no modem: give --modem PATH=E164 (or --device and --own-number)") }
        var devices: Set<String> = []
        var numbers: Set<String> = []
        for modem in modems {
            guard devices.insert(modem.device).inserted else { throw Refusal("--modem: the device \(modem.device) is given twice") }
            guard numbers.insert(modem.number).inserted else { throw Refusal("--modem: the number \(modem.number) is given for two modems") }
        }
    }
}
