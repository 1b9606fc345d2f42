import Foundation
import TestSupport
import TrackerProfiles

/// The body of one soak report, in its tracker family's real format
/// (/work/shared/corpus/tracker-sms.md), with a latitude no other report has.
///
/// The latitude's six decimals are `(index × 7919 + 13) mod 10⁶`, a bijection for up to a million
/// reports, so a body is told apart by its text alone (the relay forwards it unchanged) and the log
/// scan can look for each report's own coordinate. Some reports are long (two concatenated parts)
/// and some are UCS-2, as real traffic is.
struct ReportText: Sendable {
    var text: String
    var ucs2: Bool
    /// Fragments as unique as the body, for the log scan: the latitude and the longitude.
    var coordinates: [String]

    init(index: Int, tracker: SoakCast.Tracker, generator: inout SeededGenerator) {
        let latitude = String(format: "%d.%06d", 10 + index % 60, (index * 7919 + 13) % 1_000_000)
        let longitude = String(format: "%d.%06d", 100 + Int.random(in: 0..<80, using: &generator), Int.random(in: 0..<1_000_000, using: &generator))
        let speed = String(format: "%.2f", Double.random(in: 0..<130, using: &generator))
        let minute = index % 60
        let shape = Int.random(in: 0..<100, using: &generator)
        coordinates = [latitude, longitude]
        ucs2 = false
        switch (tracker.model, shape) {
        case (_, 0..<4):
            // A tracker that answers in Chinese: UCS-2, 70 characters per SMS.
            text = "位置 纬度:\(latitude) 经度:\(longitude) 速度:\(speed)"
            ucs2 = true
        case (.tk103, 4..<12):
            // A status reply over 160 septets: two concatenated parts.
            text = "lat:\(latitude)\nlong:\(longitude)\nspeed:\(speed)\nT:24/05/01 12:\(minute)\n"
                + "http://maps.google.com/maps?f=q&q=\(latitude),\(longitude)&z=16\nPwr: ON Door: OFF ACC: OFF\n"
                + "imei:359587011016261 bat:F signal:F GSM:-71dBm"
        case (.tk103, 12..<20):
            text = "help me!\nlat:\(latitude)\nlong:\(longitude)\nspeed:\(speed)\nT:24/05/01 12:\(minute)\n"
                + "http://maps.google.com/maps?f=q&q=\(latitude),\(longitude)&z=16"
        case (.tk103, _):
            text = "lat:\(latitude)\nlong:\(longitude)\nspeed:\(speed)\nT:24/05/01 12:\(minute)\n"
                + "http://maps.google.com/maps?f=q&q=\(latitude),\(longitude)&z=16\nPwr: ON Door: OFF ACC: OFF"
        case (.xexun, _):
            text = "lat: \(latitude) long: \(longitude) speed: \(speed) 01/05/24 12:\(minute)   bat:F signal:F  imei:358948010446647"
        case (.gt06, _):
            text = "Current position!Lat:N\(latitude),Lon:E\(longitude),Course:126.53,Speed:\(speed),DateTime:2024-05-01  12:\(minute):47"
        case (.generic, _):
            text = "Pos \(latitude),\(longitude) speed \(speed)"
        case (.teltonika, _):
            text = "GPS:1 Sat:7 Lat:\(latitude) Long:\(longitude) Alt:147 Speed:\(speed) Dir:77 Date: 2024/5/1 Time: 12:\(minute):36"
        }
    }
}
