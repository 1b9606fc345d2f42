import CSerialPort

/// The serial ports libserialport can see.
public enum SerialPorts {
    /// Lists the system's serial ports, in libserialport's order.
    ///
    /// libserialport 0.1.1 `sp_list_ports` and the port-information calls. Pseudo-terminals
    /// are never listed (libserialport does not know them).
    public static func list() throws(TransportError) -> [SerialPortInfo] {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        try SerialPortTransport.check(
            sp_list_ports(&list), device: "serial ports", operation: "list", step: "sp_list_ports")
        guard let list else { return [] }
        defer { sp_free_port_list(list) }

        var ports: [SerialPortInfo] = []
        var index = 0
        while let port = list[index] {
            ports.append(info(for: port))
            index += 1
        }
        return ports
    }

    private static func info(for port: OpaquePointer) -> SerialPortInfo {
        var info = SerialPortInfo(
            name: string(sp_get_port_name(port)) ?? "",
            description: string(sp_get_port_description(port)) ?? "")
        switch sp_get_port_transport(port) {
        case SP_TRANSPORT_USB:
            info.transport = .usb
            var vendor: Int32 = 0
            var product: Int32 = 0
            if sp_get_port_usb_vid_pid(port, &vendor, &product) == SP_OK {
                info.usbVendorID = Int(vendor)
                info.usbProductID = Int(product)
            }
            var bus: Int32 = 0
            var address: Int32 = 0
            if sp_get_port_usb_bus_address(port, &bus, &address) == SP_OK {
                info.usbBus = Int(bus)
                info.usbAddress = Int(address)
            }
            info.manufacturer = string(sp_get_port_usb_manufacturer(port))
            info.product = string(sp_get_port_usb_product(port))
            info.serialNumber = string(sp_get_port_usb_serial(port))
        case SP_TRANSPORT_BLUETOOTH:
            info.transport = .bluetooth
            info.bluetoothAddress = string(sp_get_port_bluetooth_address(port))
        case SP_TRANSPORT_NATIVE:
            info.transport = .native
        default:
            info.transport = .unknown
        }
        return info
    }

    /// Copies a string libserialport owns (valid until the list is freed); `nil` stays `nil`.
    private static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
