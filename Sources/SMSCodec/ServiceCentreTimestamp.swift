import Foundation

/// TP-SCTS / TP-DT: local date and time with the offset from UTC in quarter hours.
///
/// TS 23.040 §9.2.3.11 — service-centre time stamp: seven octets of swapped semi-octets
/// YY MM DD hh mm ss TZ; bit 3 of the time-zone octet is the sign (1 = west of UTC).
/// Years are 2000 + YY. Field values are kept as received (an SMSC may send odd ones), so
/// decoding and re-encoding gives the same bytes.
public struct ServiceCentreTimestamp: Hashable, Sendable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Local time minus UTC, in 15-minute steps; −79…79 fit the field.
    public var offsetQuarterHours: Int
    /// Some SMSCs send "−0"; remembered only so re-encoding gives the same byte.
    var negativeZeroOffset = false

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offsetQuarterHours: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.offsetQuarterHours = offsetQuarterHours
    }

    /// The local wall-clock time of `date` at the given offset (whole seconds).
    public init(date: Date, offsetQuarterHours: Int = 0) {
        // Clamped so a non-finite or absurd Date cannot trap the conversion to Int.
        let seconds = date.timeIntervalSince1970
        let bounded = seconds.isFinite ? min(max(seconds, -1e12), 1e12) : 0
        let local = Int(bounded.rounded(.down)) + offsetQuarterHours * 900
        let days = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let secondsOfDay = local - days * 86400
        let (y, m, d) = Self.civil(fromDays: days)
        self.init(
            year: y, month: m, day: d,
            hour: secondsOfDay / 3600, minute: secondsOfDay / 60 % 60, second: secondsOfDay % 60,
            offsetQuarterHours: offsetQuarterHours)
    }

    /// The instant this timestamp names.
    public var date: Date {
        let days = Self.days(fromCivil: year, month, day)
        let local = days * 86400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(local - offsetQuarterHours * 900))
    }

    /// ISO 8601 with the offset, e.g. "2017-06-05T16:21:00+08:00".
    public var iso8601: String {
        let sign = offsetQuarterHours < 0 || negativeZeroOffset ? "-" : "+"
        let minutes = abs(offsetQuarterHours) * 15
        return "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(hour)):\(pad(minute)):\(pad(second))"
            + "\(sign)\(pad(minutes / 60)):\(pad(minutes % 60))"
    }

    private func pad(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(abs(value))
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return value < 0 ? "-" + padded : padded
    }

    // Howard Hinnant's days-from-civil and its inverse (proleptic Gregorian, day 0 = 1970-01-01).
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

// MARK: - Wire format

extension ServiceCentreTimestamp {
    /// Seven swapped semi-octet octets.
    func encode(field: String, offset: Int) throws(PDUError) -> [UInt8] {
        let fields = [year % 100 + (year < 0 ? 100 : 0), month, day, hour, minute, second]
        guard fields.allSatisfy({ (0...99).contains($0) }) else {
            throw PDUError(field: field, offset: offset, reason: "date or time field does not fit two digits")
        }
        guard abs(offsetQuarterHours) <= 79 else {
            throw PDUError(field: field, offset: offset + 6, reason: "time zone offset beyond ±79 quarter hours")
        }
        var out = fields.map { UInt8($0 % 10) << 4 | UInt8($0 / 10) }
        let magnitude = abs(offsetQuarterHours)
        var zone = UInt8(magnitude % 10) << 4 | UInt8(magnitude / 10)
        if offsetQuarterHours < 0 || (offsetQuarterHours == 0 && negativeZeroOffset) { zone |= 0x08 }
        out.append(zone)
        return out
    }

    static func decode(_ reader: inout ByteReader, field: String) throws(PDUError) -> ServiceCentreTimestamp {
        let start = reader.position
        let octets = try reader.bytes(7, field)
        var values: [Int] = []
        for (index, octet) in octets.enumerated() {
            let tens = index == 6 ? octet & 0x07 : octet & 0x0F
            let units = octet >> 4
            guard tens <= 9, units <= 9 else {
                throw PDUError(field: field, offset: start + index, reason: "semi-octet is not a decimal digit")
            }
            values.append(Int(tens) * 10 + Int(units))
        }
        let negative = octets[6] & 0x08 != 0
        var timestamp = ServiceCentreTimestamp(
            year: 2000 + values[0], month: values[1], day: values[2],
            hour: values[3], minute: values[4], second: values[5],
            offsetQuarterHours: negative ? -values[6] : values[6])
        timestamp.negativeZeroOffset = negative && values[6] == 0
        return timestamp
    }
}
