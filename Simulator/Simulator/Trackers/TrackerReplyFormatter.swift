import TrackerProfiles
import Foundation

/// Writes a tracker's position replies and alarms in its model's real format.
///
/// Each format is one of the public samples in `shared/corpus/tracker-sms.md` with the
/// tracker's own position and the current time filled in. Some replies are deliberately
/// longer than 160 septets (tk103 `address`, every Chinese reply) so that they arrive as
/// two-part concatenated SMS, as real ones do.
struct TrackerReplyFormatter: Sendable {
    var model: TrackerModel
    var position: TrackerPosition
    var imei: String
    /// Answer in Chinese (UCS-2), as some firmware does.
    var chinese: Bool

    /// The reply to a position command.
    func positionReply(_ style: PositionReplyStyle, at now: Date) -> String {
        let t = UTCTime(now)
        let lat = String(format: "%.6f", position.latitude)
        let lon = String(format: "%.6f", position.longitude)
        switch style {
        case .tk103Link:
            if chinese {
                return "纬度:\(lat)\n经度:\(lon)\n速度:\(speed2)\n时间:\(t.yy)/\(t.mm)/\(t.dd) \(t.hh):\(t.mi)\n"
                    + "http://maps.google.com/maps?f=q&q=\(lat),\(lon)&z=16"
            }
            return tk103Body(at: t) + "\nPwr: ON Door: OFF ACC: OFF"
        case .tk103Address:
            // The no-fix "Lac" block followed by the full position report: 2 parts.
            return "Lac:2afa 96d3\nT:\(t.yy)/\(t.mm)/\(t.dd) \(t.hh):\(t.mi)\nLast:\nT:\(t.hh):\(t.mi)\n"
                + tk103Body(at: t) + "\nPwr: ON Door: OFF ACC: OFF"
        case .xexunText:
            return xexunBody(at: t)
        case .xexunLink:
            return xexunBody(at: t) + "\nhttp://maps.google.com/maps?f=q&q=\(lat),\(lon)&z=16"
        case .gt06Where:
            return chinese ? gt06ChineseBody(at: t) : "Current position!" + gt06Body(at: t)
        case .gt06URL:
            return "<Date Time: \(t.yy)-\(t.mm)-\(t.dd) \(t.hh):\(t.mi):\(t.ss)>\n"
                + "http://maps.google.com/maps?q=\(hemisphereLatitude),\(hemisphereLongitude)"
        case .teltonikaGetGPS:
            return teltonikaBody(at: t)
        }
    }

    /// An unprompted alarm or report, e.g. `help me!` followed by the position.
    func alarm(_ kind: String, at now: Date) -> String {
        let t = UTCTime(now)
        switch model {
        case .tk103: return "\(kind)\n" + tk103Body(at: t)
        case .xexun: return "\(kind) " + xexunBody(at: t)
        case .gt06, .generic: return chinese ? "\(kind)" + gt06ChineseBody(at: t) : "\(kind)" + gt06Body(at: t)
        case .teltonika: return "\(kind) " + teltonikaBody(at: t)
        }
    }

    /// A periodic report without an alarm: the model's plain position message.
    func report(at now: Date) -> String {
        switch model {
        case .tk103: positionReply(.tk103Link, at: now)
        case .xexun: positionReply(.xexunText, at: now)
        case .gt06, .generic: positionReply(.gt06Where, at: now)
        case .teltonika: positionReply(.teltonikaGetGPS, at: now)
        }
    }

    private var speed2: String { String(format: "%.2f", position.speed) }

    private var hemisphereLatitude: String {
        (position.latitude < 0 ? "S" : "N") + String(format: "%.6f", abs(position.latitude))
    }

    private var hemisphereLongitude: String {
        (position.longitude < 0 ? "W" : "E") + String(format: "%.6f", abs(position.longitude))
    }

    /// Sample 1 without its status line.
    private func tk103Body(at t: UTCTime) -> String {
        let lat = String(format: "%.6f", position.latitude)
        let lon = String(format: "%.6f", position.longitude)
        return "lat:\(lat)\nlong:\(lon)\nspeed:\(speed2)\nT:\(t.yy)/\(t.mm)/\(t.dd) \(t.hh):\(t.mi)\n"
            + "http://maps.google.com/maps?f=q&q=\(lat),\(lon)&z=16"
    }

    /// Sample 5: `lat: 55.807693 long: 037.730640 speed: 000.0 03/03/13 16:18   bat:F signal:F  imei:…`.
    private func xexunBody(at t: UTCTime) -> String {
        let lat = String(format: "%.6f", position.latitude)
        let lon = String(format: "%010.6f", position.longitude)
        let speed = String(format: "%05.1f", position.speed)
        return "lat: \(lat) long: \(lon) speed: \(speed) \(t.dd)/\(t.mm)/\(t.yy) \(t.hh):\(t.mi)   bat:F signal:F  imei:\(imei)"
    }

    /// Sample 7 after its `Current position!` prefix.
    private func gt06Body(at t: UTCTime) -> String {
        "Lat:\(hemisphereLatitude),Lon:\(hemisphereLongitude),Course:\(String(format: "%.2f", position.course)),"
            + "Speed:\(String(format: "%.4f", position.speed)),DateTime:\(t.yyyy)-\(t.mm)-\(t.dd)  \(t.hh):\(t.mi):\(t.ss)"
    }

    /// Chinese firmware's `WHERE#` answer; over 70 UCS-2 characters, so two parts.
    private func gt06ChineseBody(at t: UTCTime) -> String {
        "当前位置!纬度:\(hemisphereLatitude),经度:\(hemisphereLongitude),航向:\(String(format: "%.2f", position.course)),"
            + "速度:\(String(format: "%.4f", position.speed)),时间:\(t.yyyy)-\(t.mm)-\(t.dd) \(t.hh):\(t.mi):\(t.ss)"
    }

    /// Sample 11: unpadded date and time fields, five decimals.
    private func teltonikaBody(at t: UTCTime) -> String {
        let lat = String(format: "%.5f", position.latitude)
        let lon = String(format: "%.5f", position.longitude)
        return "GPS:1 Sat:7 Lat:\(lat) Long:\(lon) Alt:147 Speed:\(Int(position.speed.rounded())) "
            + "Dir:\(Int(position.course.rounded())) Date: \(t.year)/\(t.month)/\(t.day) Time: \(t.hour):\(t.minute):\(t.second)"
    }
}

/// Calendar fields of an instant in UTC, padded and unpadded, as the formats need them.
private struct UTCTime {
    let year, month, day, hour, minute, second: Int

    init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        year = c.year ?? 1970
        month = c.month ?? 1
        day = c.day ?? 1
        hour = c.hour ?? 0
        minute = c.minute ?? 0
        second = c.second ?? 0
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    var yyyy: String { "\(year)" }
    var yy: String { Self.two(year % 100) }
    var mm: String { Self.two(month) }
    var dd: String { Self.two(day) }
    var hh: String { Self.two(hour) }
    var mi: String { Self.two(minute) }
    var ss: String { Self.two(second) }
}
