// libFuzzer harness for the daemon's control-socket request parser
// (Sources/GatewayDaemon/Control/ControlRequest.swift), compiled standalone: see run.sh.
// Besides "never crash", it traps when one of these fails, so libFuzzer reports it:
//   1. a request that parses, written back as its line, is one line that parses to the same request;
//   2. the error reply for a refused line is valid JSON carrying exactly the error's message;
//   3. an error reply made from the raw input itself (any bytes, control characters, quotes)
//      is valid JSON carrying exactly that text.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let request = try ControlRequest.parse(line)
        let written = request.jsonLine
        check(!written.contains("\n") && !written.contains("\r"), "a request's line holds a line break")
        let again: ControlRequest
        do { again = try ControlRequest.parse(written) } catch { fatalError("own line does not parse: \(error)") }
        check(again == request, "parse → jsonLine → parse is not the same request")
    } catch {
        checkErrorReply(ControlRequest.reply(error: error), carries: error.message)
    }
    checkErrorReply(ControlRequest.reply(error: line), carries: line)
    return 0
}

private struct ErrorReply: Decodable {
    var ok: Bool
    var error: String
}

private func checkErrorReply(_ reply: String, carries message: String) {
    check(!reply.contains("\n") && !reply.contains("\r"), "an error reply holds a line break")
    let decoded: ErrorReply
    do { decoded = try JSONDecoder().decode(ErrorReply.self, from: Data(reply.utf8)) } catch {
        fatalError("error reply is not valid JSON: \(error)")
    }
    check(!decoded.ok, "an error reply says ok")
    // Compared scalar by scalar: String's == would call canonically equivalent texts equal.
    check(decoded.error.unicodeScalars.elementsEqual(message.unicodeScalars), "an error reply changed its message")
}

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("property violated: \(message())") }
}
