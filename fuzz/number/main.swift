// libFuzzer harness for the phone-number normaliser (Sources/TrackerGateway/Registry/PhoneNumber.swift),
// compiled standalone with the two files it uses (GatewayError, NumberMask): see run.sh.
// The first input byte picks the default calling code (none, 1, 49, 358), the rest is the text.
// Besides "never crash", it traps when one of these fails, so libFuzzer reports it:
//   1. a number that parses is E.164: "+", 8 to 15 ASCII digits, the first not 0;
//   2. idempotence: the E.164 result parses again to the same number, with or without a default;
//   3. `PhoneNumber(parsing:field:)` agrees with `parse`, and its error is the problem's words;
//   4. the number's description (what logs print) is masked: it never shows the whole number;
//   5. a calling code that parses is 1 to 3 digits not starting with 0.

private let callingCodes: [CallingCode?] = [nil] + ["1", "49", "358"].map { try? CallingCode(parsing: $0) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let selector = bytes.first else { return 0 }
    let callingCode = callingCodes[Int(selector) % callingCodes.count]
    let text = String(decoding: bytes.dropFirst(), as: UTF8.self)

    switch PhoneNumber.parse(text, defaultCallingCode: callingCode) {
    case .success(let number):
        checkShape(number.e164)
        for code in callingCodes {
            check(PhoneNumber.parse(number.e164, defaultCallingCode: code) == .success(number), "E.164 result does not parse to itself")
        }
        do {
            let viaInit = try PhoneNumber(parsing: text, field: "fuzz", defaultCallingCode: callingCode)
            check(viaInit == number, "init(parsing:) and parse disagree")
        } catch {
            fatalError("init(parsing:) refused what parse accepted: \(error)")
        }
        check(!number.description.contains(number.e164.dropFirst()), "description shows the whole number")
    case .failure(let problem):
        do {
            _ = try PhoneNumber(parsing: text, field: "fuzz", defaultCallingCode: callingCode)
            fatalError("init(parsing:) accepted what parse refused")
        } catch let error as GatewayError {
            check(error == .invalidInput(field: "fuzz", reason: "number " + problem.description), "init(parsing:) error differs")
        } catch {
            fatalError("init(parsing:) threw something else: \(error)")
        }
    }

    if let code = try? CallingCode(parsing: text) {
        let digits = Array(code.digits.utf8)
        check((1...3).contains(digits.count) && digits.allSatisfy { (0x30...0x39).contains($0) } && digits.first != 0x30, "bad calling code")
    }
    return 0
}

private func checkShape(_ e164: String) {
    let bytes = Array(e164.utf8)
    check(bytes.first == UInt8(ascii: "+"), "E.164 without +")
    let digits = bytes.dropFirst()
    check((PhoneNumber.minimumDigits...PhoneNumber.maximumDigits).contains(digits.count), "E.164 digit count \(digits.count)")
    check(digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }, "E.164 holds a non-digit")
    check(digits.first != UInt8(ascii: "0"), "country code starts with 0")
}

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("property violated: \(message())") }
}
