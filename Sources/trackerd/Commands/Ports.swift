import GatewayDaemon
import ATModem
import ArgumentParser
import Foundation

extension Trackerd {
    /// `trackerd ports` — the serial ports libserialport sees, with USB identities.
    struct Ports: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ports",
            abstract: "List serial ports (USB modems show vendor and product ids).",
            discussion: """
            Pseudo-terminals (such as the simulator's link) are not listed: libserialport \
            only knows devices it finds in sysfs.

            Examples:
              trackerd ports
              trackerd ports --json
            """
        )

        @Flag(help: "Print a JSON array instead of a table.")
        var json = false

        func run() throws {
            let ports: [SerialPortInfo]
            do {
                ports = try SerialPorts.list()
            } catch {
                throw CommandFailure(exitCode: .ioError, message: "cannot list serial ports: \(error)")
            }
            if json {
                print(try JSONOutput.string(ports.map(PortJSON.init)))
                return
            }
            if ports.isEmpty {
                print("no serial ports found")
                return
            }
            for port in ports {
                var line = "\(port.name)  \(port.transport)"
                if let vendor = port.vendorIDHex, let product = port.productIDHex { line += "  \(vendor):\(product)" }
                let names = [port.manufacturer, port.product, port.serialNumber.map { "serial \($0)" }].compactMap { $0 }.filter { !$0.isEmpty }
                if !names.isEmpty { line += "  " + names.joined(separator: " / ") }
                if port.description.isEmpty == false { line += "  (\(port.description))" }
                print(line)
            }
        }
    }
}

/// The JSON shape of one port: ids as four hex digits, as `lsusb` prints them.
struct PortJSON: Encodable {
    var name: String
    var description: String
    var transport: String
    var usbVendorID: String?
    var usbProductID: String?
    var manufacturer: String?
    var product: String?
    var serialNumber: String?
    var bluetoothAddress: String?

    init(_ port: SerialPortInfo) {
        name = port.name
        description = port.description
        transport = port.transport.rawValue
        usbVendorID = port.vendorIDHex
        usbProductID = port.productIDHex
        manufacturer = port.manufacturer
        product = port.product
        serialNumber = port.serialNumber
        bluetoothAddress = port.bluetoothAddress
    }
}
