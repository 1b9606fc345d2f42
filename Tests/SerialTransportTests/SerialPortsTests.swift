import TestSupport
import Testing
@testable import SerialTransport

#if canImport(Foundation)
import Foundation
#endif

@Suite("SerialPorts")
struct SerialPortsTests {
    @Test func listingGoesThroughLibserialportAndNamesEveryPort() throws {
        // A build machine usually has no serial ports; none is a fine answer, an error is not.
        let ports = try SerialPorts.list()
        for port in ports {
            #expect(!port.name.isEmpty)
            if port.transport != .usb {
                #expect(port.usbVendorID == nil)
            }
        }
    }

    @Test func listingNeverIncludesPseudoTerminals() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        #expect(try !SerialPorts.list().contains { $0.name == pty.slavePath })
    }

    @Test(arguments: [
        (0x1e0e, "1e0e"), (0x12d1, "12d1"), (0x0001, "0001"), (0x0, "0000"), (0xffff, "ffff"), (0x2c7c, "2c7c"),
    ])
    func usbIDsAreFourHexDigits(value: Int, hex: String) {
        let port = SerialPortInfo(name: "/dev/ttyUSB2", transport: .usb, usbVendorID: value, usbProductID: value)
        #expect(port.vendorIDHex == hex)
        #expect(port.productIDHex == hex)
    }

    @Test func aPortWithoutUSBIDsHasNoHex() {
        let port = SerialPortInfo(name: "/dev/ttyS0", transport: .native)
        #expect(port.vendorIDHex == nil)
        #expect(port.productIDHex == nil)
    }

    #if canImport(Foundation)
    @Test func infoRoundTripsThroughJSONWithTransportAsText() throws {
        let port = SerialPortInfo(
            name: "/dev/ttyUSB2", description: "Quectel EC25", transport: .usb,
            usbVendorID: 0x2c7c, usbProductID: 0x0125, usbBus: 1, usbAddress: 4,
            manufacturer: "Quectel", product: "EC25", serialNumber: "0000")
        let json = try JSONEncoder().encode(port)
        #expect(String(decoding: json, as: UTF8.self).contains("\"transport\":\"usb\""))
        #expect(try JSONDecoder().decode(SerialPortInfo.self, from: json) == port)
    }
    #endif
}
