import TestSupport
import Testing
@testable import Simulator

@Suite struct ATCommandLineTests {
    @Test(arguments: [
        ("", [ATCommand]()),
        ("E0", [ATCommand(name: "E", form: .set("0"))]),
        ("e0v1", [ATCommand(name: "E", form: .set("0")), ATCommand(name: "V", form: .set("1"))]),
        ("Z", [ATCommand(name: "Z", form: .action)]),
        ("&F", [ATCommand(name: "&F", form: .action)]),
        ("S0=0", [ATCommand(name: "S0", form: .set("0"))]),
        ("S3?", [ATCommand(name: "S3", form: .read)]),
        ("+CPIN?", [ATCommand(name: "+CPIN", form: .read)]),
        ("+cmgf=?", [ATCommand(name: "+CMGF", form: .test)]),
        ("+CMGS=23", [ATCommand(name: "+CMGS", form: .set("23"))]),
        ("+CPIN=\"ab;c\"", [ATCommand(name: "+CPIN", form: .set("\"ab;c\""))]),
        ("+CMGF=0;+CNMI=2,1", [ATCommand(name: "+CMGF", form: .set("0")), ATCommand(name: "+CNMI", form: .set("2,1"))]),
        ("+CMGF=0; +CNMI = 2, 1", [ATCommand(name: "+CMGF", form: .set("0")), ATCommand(name: "+CNMI", form: .set("2,1"))]),
        ("^CURC=0", [ATCommand(name: "^CURC", form: .set("0"))]),
        ("E0+CMEE=1", [ATCommand(name: "E", form: .set("0")), ATCommand(name: "+CMEE", form: .set("1"))]),
        ("D+15550001111;", [ATCommand(name: "D", form: .set("+15550001111;"))]),
    ])
    func parsesCommandLines(body: String, expected: [ATCommand]) {
        #expect(ATCommandLine.parse(Array(body.utf8)) == expected)
    }

    @Test(arguments: ["+CPIN=\"12", "+", "&", "1", "S=1", "+CMGF\"x\""])
    func rejectsBadSyntax(body: String) {
        #expect(ATCommandLine.parse(Array(body.utf8)) == nil)
    }

    @Test func keepsCaseInsideQuotesAndSplitsArguments() {
        let commands = ATCommandLine.parse(Array("+cpms=\"sm\",\"Me\",,".utf8))
        #expect(commands?.first?.arguments == ["sm", "Me", "", ""])
    }
}
