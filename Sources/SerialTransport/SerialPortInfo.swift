/// One serial port found on the system, as `trackerd ports` shows it.
public struct SerialPortInfo: Codable, Sendable, Equatable {
    /// How the port is attached (libserialport `enum sp_transport`).
    public enum Attachment: String, Codable, Sendable, Equatable {
        case usb
        case bluetooth
        case native
        case unknown
    }

    /// The device path, such as `/dev/ttyUSB0`.
    public var name: String
    public var description: String
    public var transport: Attachment
    public var usbVendorID: Int?
    public var usbProductID: Int?
    public var usbBus: Int?
    public var usbAddress: Int?
    public var manufacturer: String?
    public var product: String?
    public var serialNumber: String?
    public var bluetoothAddress: String?

    public init(
        name: String, description: String = "", transport: Attachment = .unknown,
        usbVendorID: Int? = nil, usbProductID: Int? = nil, usbBus: Int? = nil, usbAddress: Int? = nil,
        manufacturer: String? = nil, product: String? = nil, serialNumber: String? = nil,
        bluetoothAddress: String? = nil
    ) {
        self.name = name
        self.description = description
        self.transport = transport
        self.usbVendorID = usbVendorID
        self.usbProductID = usbProductID
        self.usbBus = usbBus
        self.usbAddress = usbAddress
        self.manufacturer = manufacturer
        self.product = product
        self.serialNumber = serialNumber
        self.bluetoothAddress = bluetoothAddress
    }

    /// The USB vendor id as four lower-case hex digits, the way `lsusb` prints it ("1e0e").
    public var vendorIDHex: String? { usbVendorID.map(Self.fourHexDigits) }
    /// The USB product id as four lower-case hex digits ("9001").
    public var productIDHex: String? { usbProductID.map(Self.fourHexDigits) }

    static func fourHexDigits(_ value: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
