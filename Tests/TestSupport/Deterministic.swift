
/// A manual instant for the engine: time moves only when a test says so.
public struct TestInstant: InstantProtocol, CustomStringConvertible {
    public var offset: Duration

    public init(offset: Duration) { self.offset = offset }

    public static let zero = TestInstant(offset: .zero)

    public func advanced(by duration: Duration) -> TestInstant {
        TestInstant(offset: offset + duration)
    }

    public func duration(to other: TestInstant) -> Duration {
        other.offset - offset
    }

    public static func < (lhs: TestInstant, rhs: TestInstant) -> Bool {
        lhs.offset < rhs.offset
    }

    public var description: String { "t+\(offset)" }
}

/// SplitMix64: a tiny seeded generator, so a failing chunking can be reproduced by its seed.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Ways to cut a byte stream into chunks.
public enum Chunking: CustomStringConvertible, Sendable {
    case whole
    case byteByByte
    case random(seed: UInt64)

    /// Every chunking the drip-feed tests use: whole, byte by byte, and 30 seeded random ones.
    public static let all: [Chunking] = [.whole, .byteByByte] + (1...30).map { .random(seed: $0) }

    public func chunks(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        switch self {
        case .whole:
            return [bytes[...]]
        case .byteByByte:
            return bytes.indices.map { bytes[$0...$0] }
        case .random(let seed):
            var generator = SeededGenerator(seed: seed)
            var chunks: [ArraySlice<UInt8>] = []
            var start = 0
            while start < bytes.count {
                let size = Int.random(in: 1...max(1, min(16, bytes.count - start)), using: &generator)
                chunks.append(bytes[start..<(start + size)])
                start += size
            }
            return chunks
        }
    }

    public var description: String {
        switch self {
        case .whole: return "whole"
        case .byteByByte: return "byte by byte"
        case .random(let seed): return "random seed \(seed)"
        }
    }
}

