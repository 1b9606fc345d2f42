import ArgumentParser
import Simulator

/// `--modem LINK=E164[,profile=P][,pin=N]`: one virtual modem, as `trackerd run --modem` names
/// a real one (issue #10), with the simulator's own options after the number.
enum ModemSpecification {
    static func parse(_ text: String) throws -> SimulatedModem {
        func refuse(_ why: String) -> ValidationError {
            ValidationError("--modem \(text): \(why); expected LINK=E164[,profile=P][,pin=N]")
        }
        guard let equals = text.firstIndex(of: "=") else { throw refuse("no '=' between the link and the number") }
        let link = String(text[..<equals])
        var fields = text[text.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let number = fields.removeFirst()
        guard !link.isEmpty else { throw refuse("no link") }
        guard number.hasPrefix("+"), number.count >= 4, number.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw refuse("\"\(number)\" is not an E.164 number")
        }
        var profile = VirtualModemProfile.generic
        var pin: String?
        for field in fields {
            let pair = field.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw refuse("\"\(field)\" is not key=value") }
            switch pair[0] {
            case "profile":
                guard let chosen = VirtualModemProfile(rawValue: pair[1]) else {
                    throw refuse("unknown profile \"\(pair[1])\" (known: \(VirtualModemProfile.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                profile = chosen
            case "pin":
                guard (4...8).contains(pair[1].count), pair[1].allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw refuse("a PIN is 4 to 8 digits")
                }
                pin = pair[1]
            default:
                throw refuse("unknown key \"\(pair[0])\" (known: profile, pin)")
            }
        }
        return SimulatedModem(linkPath: link, number: number, pin: pin, profile: profile)
    }
}
