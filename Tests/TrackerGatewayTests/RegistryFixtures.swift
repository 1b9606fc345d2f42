import TestSupport
import Foundation
@testable import TrackerGateway

/// Customers and a fixed clock shared by the registry tests.
enum Fixtures {
    static let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_790_000_000) }

    static func anna(phones: [String] = ["+49 170 1234567"]) -> NewCustomer {
        NewCustomer(name: "Anna Schmidtmeier", address: "Lindenstraße 42, 50667 Köln", email: "anna.schmidtmeier@example.de",
                    phones: phones, adultAttested: true, cardToken: "tok_annas_card_token", cardLast4: "4242")
    }

    static func bernd(phones: [String] = ["+49 171 7654321"]) -> NewCustomer {
        NewCustomer(name: "Bernd Obermüller", address: "Hafenweg 7, 20457 Hamburg", email: "bernd.obermueller@example.org",
                    phones: phones, adultAttested: true)
    }

    static func tracker(customerID: Int64, number: String = "+49 151 99887766", label: String? = "van") -> NewTracker {
        NewTracker(customerID: customerID, number: number, model: .tk103, password: "123456", label: label)
    }

    static func openNew(in directory: TemporaryDirectory) throws -> Registry {
        try Registry.open(dataDirectory: directory.dataDirectory, create: true, actor: "operator", clock: clock)
    }

    static func reopen(_ directory: TemporaryDirectory) throws -> Registry {
        try Registry.open(dataDirectory: directory.dataDirectory, create: false, actor: "operator", clock: clock)
    }
}
