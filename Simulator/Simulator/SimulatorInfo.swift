/// The simulator's identity as its `ATI` / `+CGMI` answers give it.
public enum SimulatorInfo {
    public static let manufacturer = "trackerd"
    public static let model = "trackersim virtual GSM modem"
    public static let revision = "1.0"
}
