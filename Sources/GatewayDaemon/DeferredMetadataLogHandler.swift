import Logging

/// Another handler's lines (StreamLogHandler's, for a terminal or a file), with the handler's own
/// metadata kept as a plain dictionary until a line is written.
///
/// StreamLogHandler renders its metadata into a string on every change of it, and the relay sets
/// a few keys (message id, tracker, phone, masked number) per message whatever the log level:
/// callgrind counted ~16,000 instructions a set, a tenth of a relay's. Here a set is a dictionary
/// store, and the rendering happens once per line actually written — none at `warning` on a quiet
/// day. The lines are the wrapped handler's, byte for byte.
public struct DeferredMetadataLogHandler<Wrapped: LogHandler>: LogHandler {
    private var wrapped: Wrapped
    public var metadata: Logger.Metadata

    public init(_ wrapped: Wrapped) {
        self.wrapped = wrapped
        self.metadata = wrapped.metadata
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = wrapped
        line.metadata = metadata
        line.log(event: event)
    }
}
