/// Codes for the verbose forms of `+CME ERROR` and `+CMS ERROR`, so a caller can act on the
/// code whichever form (`+CMEE=1` or `+CMEE=2`) the modem uses.
///
/// TS 27.007 §9.2.1 — general `+CME` errors; TS 27.005 §3.2.5 — `+CMS` errors. Only the
/// ones a gateway acts on; an unknown text keeps a nil code and its words.
enum ErrorCodes {
    static func cme(_ text: String) -> Int? {
        cmeTable[normalised(text)]
    }

    static func cms(_ text: String) -> Int? {
        cmsTable[normalised(text)]
    }

    private static func normalised(_ text: String) -> String {
        String(decoding: text.utf8.map(ASCII.upper), as: UTF8.self)
    }

    private static let cmeTable: [String: Int] = [
        "PHONE FAILURE": 0,
        "NO CONNECTION TO PHONE": 1,
        "OPERATION NOT ALLOWED": 3,
        "OPERATION NOT SUPPORTED": 4,
        "PH-SIM PIN REQUIRED": 5,
        "SIM NOT INSERTED": 10,
        "SIM PIN REQUIRED": 11,
        "SIM PUK REQUIRED": 12,
        "SIM FAILURE": 13,
        "SIM BUSY": 14,
        "SIM WRONG": 15,
        "INCORRECT PASSWORD": 16,
        "SIM PIN2 REQUIRED": 17,
        "SIM PUK2 REQUIRED": 18,
        "MEMORY FULL": 20,
        "INVALID INDEX": 21,
        "NOT FOUND": 22,
        "MEMORY FAILURE": 23,
        "NO NETWORK SERVICE": 30,
        "NETWORK TIMEOUT": 31,
        "NETWORK NOT ALLOWED - EMERGENCY CALLS ONLY": 32,
        "UNKNOWN": 100,
    ]

    private static let cmsTable: [String: Int] = [
        "ME FAILURE": 300,
        "SMS SERVICE OF ME RESERVED": 301,
        "OPERATION NOT ALLOWED": 302,
        "OPERATION NOT SUPPORTED": 303,
        "INVALID PDU MODE PARAMETER": 304,
        "INVALID TEXT MODE PARAMETER": 305,
        "SIM NOT INSERTED": 310,
        "SIM PIN REQUIRED": 311,
        "PH-SIM PIN REQUIRED": 312,
        "SIM FAILURE": 313,
        "SIM BUSY": 314,
        "SIM WRONG": 315,
        "SIM PUK REQUIRED": 316,
        "MEMORY FAILURE": 320,
        "INVALID MEMORY INDEX": 321,
        "MEMORY FULL": 322,
        "SMSC ADDRESS UNKNOWN": 330,
        "NO NETWORK SERVICE": 331,
        "NETWORK TIMEOUT": 332,
        "NO +CNMA ACKNOWLEDGEMENT EXPECTED": 340,
        "UNKNOWN ERROR": 500,
    ]
}
