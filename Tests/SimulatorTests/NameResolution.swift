import Simulator

/// The simulator's modem settings, not ATModem's client-side `ModemConfiguration`.
typealias ModemConfiguration = Simulator.ModemConfiguration
