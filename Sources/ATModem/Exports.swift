// `Modem` joins the engine, the codec and the transports; its users see all three through it.
@_exported import ATEngine
@_exported import SMSCodec
@_exported import SerialTransport
@_exported import MonotonicTime
