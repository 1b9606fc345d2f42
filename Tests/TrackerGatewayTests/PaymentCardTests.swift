import TestSupport
import Testing
@testable import TrackerGateway

@Suite struct PaymentCardTests {
    @Test(arguments: [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "5555555555554444",
        "378282246310005",
        "4222222222222",
        "6011 0009 9013 9424",
        "4000000000000000006",
    ])
    func refusesFullCardNumbers(card: String) {
        #expect(PaymentCard.looksLikeCardNumber(card))
        #expect(throws: GatewayError.self) { try PaymentCard(token: card, last4: "1111") }
        do {
            _ = try PaymentCard(token: card, last4: "1111")
        } catch let error as GatewayError {
            guard case .invalidInput(let field, let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(field == "--card-token")
            #expect(reason.contains("token") && reason.contains("last four"))
            #expect(!reason.contains(card))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: [
        "4111111111111112",      // Luhn fails
        "411111111111",          // 12 digits
        "41111111111111111111",  // 20 digits
        "tok_1N3xYz2eZvKYlo2C",
        "4111",
        "",
    ])
    func doesNotMistakeOtherValuesForCards(value: String) {
        #expect(!PaymentCard.looksLikeCardNumber(value))
    }

    @Test func refusesCardNumberTypedAsLastFour() {
        #expect(throws: GatewayError.invalidInput(field: "--card-last4", reason: "looks like a full card number, which trackerd never stores; give the payment processor's token with --card-token and the last four digits with --card-last4")) {
            try PaymentCard(token: "tok_abc", last4: "4111 1111 1111 1111")
        }
    }

    @Test(arguments: ["111", "11111", "ab12", "", "1 11"])
    func refusesLastFourThatIsNotFourDigits(last4: String) {
        #expect(throws: GatewayError.self) { try PaymentCard(token: "tok_abc", last4: last4) }
    }

    @Test func keepsTokenAndLastFour() throws {
        let card = try PaymentCard(token: " tok_1N3xYz ", last4: "4242")
        #expect(card.token == "tok_1N3xYz")
        #expect(card.last4 == "4242")
    }

    @Test(arguments: ["tok with space", "tök", String(repeating: "t", count: 201)])
    func refusesMalformedTokens(token: String) {
        #expect(throws: GatewayError.self) { try PaymentCard(token: token, last4: "4242") }
    }
}
