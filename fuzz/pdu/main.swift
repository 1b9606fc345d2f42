// libFuzzer harness for the SMS PDU codec (Sources/SMSCodec), compiled standalone:
// see run.sh. Every input goes through the raw-TPDU decoders, the modem hex decoder, the
// segmenter and the reassembler. Besides "never crash", it checks three properties and traps
// when one fails, so libFuzzer reports it:
//   1. whatever decodes re-encodes, and encode → decode → encode is a fixed point; the lenient
//      readings (issue #9.11: a trailing F counted in an address length, a TP-UDL longer than the
//      data, printable 8-bit data read as text) keep it: the re-encoding is the well-formed PDU
//      of what was read, so it is never short and reads back to the same body;
//   2. any text splits into parts that encode, decode and reassemble back to the text;
//   3. the reassembler reports every token exactly once as completed, evicted or expired,
//      and never holds more than its capacity.

struct FuzzInstant: InstantProtocol {
    var offset: Duration
    func advanced(by duration: Duration) -> FuzzInstant { FuzzInstant(offset: offset + duration) }
    func duration(to other: FuzzInstant) -> Duration { other.offset - offset }
    static func < (lhs: FuzzInstant, rhs: FuzzInstant) -> Bool { lhs.offset < rhs.offset }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    decodeRaw(bytes)
    decodeHexText(bytes)
    segmentAndReassemble(bytes)
    reassembleOperations(bytes)
    return 0
}

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("property violated: \(message())") }
}

/// Property 1 for one decoded TPDU.
private func checkReencodes(_ tpdu: TPDU) {
    guard let encoded = try? tpdu.encode() else {
        // Decoded values re-encode unless a field cannot be written back (e.g. an alphanumeric
        // sender longer than 11 characters); that is allowed, a crash is not.
        return
    }
    let again: TPDU
    do { again = try TPDU.decode(encoded) } catch { fatalError("own encoding does not decode: \(error)") }
    let reencoded: [UInt8]
    do { reencoded = try again.encode() } catch { fatalError("re-decoded TPDU does not encode: \(error)") }
    check(reencoded == encoded, "encode/decode/encode is not a fixed point")
    check(!again.isUserDataShort, "own encoding reads as short user data")
    check(body(of: again) == body(of: tpdu), "own encoding reads back a different body")
}

private func body(of tpdu: TPDU) -> MessageBody? {
    switch tpdu {
    case .deliver(let deliver): deliver.body
    case .submit(let submit): submit.body
    case .statusReport(let report): report.body
    }
}

private func decodeRaw(_ bytes: [UInt8]) {
    if let tpdu = try? TPDU.decode(bytes) { checkReencodes(tpdu) }
    _ = try? SMSDeliver.decode(bytes)
    _ = try? SMSSubmit.decode(bytes)
    _ = try? SMSStatusReport.decode(bytes)
    if let pdu = try? ModemPDU.decode(bytes: bytes) { checkReencodes(pdu.tpdu) }
}

private func decodeHexText(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    if let pdu = try? ModemPDU.decode(hex: text) {
        checkReencodes(pdu.tpdu)
        _ = pdu.smsc?.description
        if case .deliver(let deliver) = pdu.tpdu {
            _ = deliver.serviceCentreTimestamp.iso8601
            _ = deliver.serviceCentreTimestamp.date
        }
    }
}

/// Property 2.
private func segmentAndReassemble(_ bytes: [UInt8]) {
    guard bytes.count <= 2048 else { return }
    let text = String(decoding: bytes, as: UTF8.self)
    let forceUCS2 = bytes.first.map { $0 & 1 == 1 } ?? false
    let sender = PhoneAddress(parsing: "+4917012345678")
    let timestamp = ServiceCentreTimestamp(year: 2024, month: 1, day: 2, hour: 3, minute: 4, second: 5, offsetQuarterHours: -8)
    let parts = SMSDeliver.parts(from: sender, text: text, timestamp: timestamp, forceUCS2: forceUCS2, concatenationReference: bytes.count)
    var reassembler = Reassembler<Int, FuzzInstant>(capacity: 4)
    var result: String?
    for (index, part) in parts.enumerated().reversed() {
        let encoded: [UInt8]
        do { encoded = try part.encode() } catch { fatalError("segment does not encode: \(error)") }
        let decoded: SMSDeliver
        do { decoded = try SMSDeliver.decode(encoded) } catch { fatalError("segment does not decode: \(error)") }
        for event in reassembler.add(decoded, token: index, now: FuzzInstant(offset: .zero)) {
            if case .complete(let message) = event { result = message.text }
        }
    }
    // GSM 7-bit maps small ç to Ç; compare on what GSM 7-bit can carry.
    let expected = SMSSegmenter.alphabet(for: text, forceUCS2: forceUCS2) == .gsm7
        ? GSM7.decode(GSM7.encode(text) ?? []) : text
    check(result.map { Array($0.unicodeScalars) } == Array(expected.unicodeScalars), "segments do not reassemble to the text")
}

/// Property 3: the bytes are a script of parts arriving and time passing.
private func reassembleOperations(_ bytes: [UInt8]) {
    let capacity = Int(bytes.first ?? 0) % 5 + 1
    var reassembler = Reassembler<Int, FuzzInstant>(capacity: capacity, maxAge: .seconds(100))
    let senders = [PhoneAddress(parsing: "+111"), PhoneAddress(parsing: "+222"), PhoneAddress(parsing: "Tracker")]
    let timestamp = ServiceCentreTimestamp(year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0)
    var now = FuzzInstant(offset: .zero)
    var added: [Int] = []
    var reported: [Int] = []
    func record(_ events: [ReassemblyEvent<Int>]) {
        for event in events {
            switch event {
            case .complete(let message): reported += message.tokens
            case .evicted(let tokens), .expired(let tokens): reported += tokens
            case .duplicate: break
            }
        }
    }
    var index = 1
    while index + 4 <= bytes.count {
        let op = bytes[index], a = bytes[index + 1], b = bytes[index + 2], c = bytes[index + 3]
        index += 4
        now = now.advanced(by: .seconds(Int(c % 64)))
        if op & 0x0F == 0x0F {
            record(reassembler.expire(now: now))
            continue
        }
        let info = ConcatenationInfo(reference: Int(a % 4), total: Int(b % 4), part: Int(b / 64), uses16BitReference: op & 0x10 != 0)
        let deliver = SMSDeliver(
            originator: senders[Int(op >> 6) % senders.count],
            dataCoding: DataCodingScheme(alphabet: op & 0x20 != 0 ? .eightBit : .gsm7),
            serviceCentreTimestamp: timestamp,
            userDataHeader: op & 0x01 == 0 ? UserDataHeader(concatenation: info) : nil,
            body: op & 0x20 != 0 ? .binary([a, b]) : .text("p"))
        let token = added.count
        added.append(token)
        record(reassembler.add(deliver, token: token, now: now))
        check(reassembler.pendingCount <= capacity, "buffer above capacity")
    }
    record(reassembler.expire(now: now.advanced(by: .seconds(1000))))
    check(reassembler.pendingCount == 0, "messages left after expiry")
    check(reported.sorted() == added, "tokens not reported exactly once")
}
