import TestSupport
import Testing
@testable import TrackerGateway

@Suite struct EmailAddressTests {
    @Test(arguments: [
        "anna@example.com",
        "anna.schmidt+tracker@mail.example.de",
        "o'brien@example.ie",
        "x@a-b.co",
        "  padded@example.org  ",
    ])
    func acceptsPlausibleAddresses(address: String) throws {
        #expect(try EmailAddress(parsing: address).value == address.trimmingSpaces())
    }

    @Test(arguments: [
        "",
        "anna",
        "anna@",
        "@example.com",
        "anna@example",
        "anna@@example.com",
        "anna@exa mple.com",
        "an na@example.com",
        "anna@example.c",
        "anna@example.123",
        "anna@-example.com",
        "anna@example..com",
        ".anna@example.com",
        "an..na@example.com",
        "anna@example.com.",
        "\"anna\"@example.com",
    ])
    func refusesImplausibleAddresses(address: String) {
        #expect(throws: GatewayError.self) { try EmailAddress(parsing: address) }
    }
}
