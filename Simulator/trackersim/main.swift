print("trackersim: \(SimulatorInfoName.value)")
enum SimulatorInfoName { static let value = "starting" }
