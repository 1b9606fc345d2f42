/// A transport that is one polled file descriptor: reads, writes and close go straight to it.
protocol DescriptorTransport: Transport {
    var descriptor: PollingDescriptor { get }
    var writeTimeout: Duration { get }
}

extension DescriptorTransport {
    public func write(_ bytes: [UInt8]) throws(TransportError) {
        try descriptor.write(bytes, timeout: writeTimeout)
    }

    public func read(maxCount: Int, timeout: Duration) throws(TransportError) -> [UInt8] {
        try descriptor.read(maxCount: maxCount, timeout: timeout)
    }

    public func wake() {
        descriptor.wake()
    }

    public func close() {
        descriptor.close()
    }

    /// Whether `close()` has run.
    public var isClosed: Bool { descriptor.isClosed }
}
