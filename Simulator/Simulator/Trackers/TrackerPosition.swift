/// Where a virtual tracker is and how it moves; what its replies report.
public struct TrackerPosition: Sendable, Equatable, Codable {
    /// Degrees, WGS 84, positive north.
    public var latitude: Double
    /// Degrees, WGS 84, positive east.
    public var longitude: Double
    /// Ground speed in km/h.
    public var speed: Double
    /// Course over ground in degrees from north.
    public var course: Double

    public init(latitude: Double, longitude: Double, speed: Double = 0, course: Double = 0) {
        self.latitude = latitude
        self.longitude = longitude
        self.speed = speed
        self.course = course
    }
}
