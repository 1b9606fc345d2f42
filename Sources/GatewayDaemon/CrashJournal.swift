#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// Remembers, across crashes, which message the daemon was handling: a message whose handling
/// crashed the daemon twice is set aside instead of crash-looping it (issue #9.2: in storage
/// mode the message stays on the SIM, so without this the daemon would die again within a
/// second of every restart, and nobody would get service).
///
/// The journal is one small file in the data directory (0600): 64 records of a 16-byte keyed
/// fingerprint of the PDU (`Registry.messageFingerprint` — never the message), a state byte and
/// a crash count. Before a PDU is decoded and handed on its record is marked in progress with one
/// `pwrite`; afterwards the mark is cleared with another (no `fsync`: a process crash leaves the
/// page cache, which is what this is for). At start, a record still in progress is a crash: its
/// count goes up. A message whose count reached `crashesBeforeSetAside` is set aside.
final class CrashJournal: Sendable {
    static let fileName = "crash-journal"
    static let slots = 64
    static let recordSize = 18
    static let crashesBeforeSetAside: UInt8 = 2

    private struct Record {
        var fingerprint: Data
        var inProgress: Bool
        var crashes: UInt8
    }

    private struct State {
        var records: [Record?]
        var setAside = 0
    }

    /// What `begin` decided: handle it (and report back with the entry), or set it aside.
    enum Admission: Sendable, Equatable {
        case handle(entry: Int)
        case setAside
    }

    private let fd: Int32
    private let state: Mutex<State>

    /// Opens (or makes) the journal and counts the crashes the last run left in it.
    init(dataDirectory: URL) throws {
        let path = dataDirectory.appendingPathComponent(Self.fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(errno))])
        }
        fchmod(descriptor, 0o600)
        fd = descriptor
        var bytes = [UInt8](repeating: 0, count: Self.slots * Self.recordSize)
        _ = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        var records: [Record?] = []
        for slot in 0..<Self.slots {
            let start = slot * Self.recordSize
            let fingerprint = Data(bytes[start..<(start + 16)])
            let flag = bytes[start + 16]
            let crashes = bytes[start + 17]
            guard flag != 0 || crashes != 0 else { records.append(nil); continue }
            // Still in progress: the run that wrote it died handling this message.
            records.append(Record(fingerprint: fingerprint, inProgress: false, crashes: flag == 1 ? crashes &+ 1 : crashes))
        }
        state = Mutex(State(records: records))
        for slot in 0..<Self.slots { state.withLock { write(slot, $0.records[slot]) } }
    }

    deinit { close(fd) }

    /// How many messages were set aside in this run.
    var setAsideCount: Int { state.withLock { $0.setAside } }

    /// `.setAside` when this message crashed the daemon too often; otherwise it is marked in
    /// progress until `finished(entry)`. Each modem thread has at most one in progress.
    func begin(_ fingerprint: Data) -> Admission {
        state.withLock { state in
            if let slot = state.records.firstIndex(where: { $0?.fingerprint == fingerprint }), let record = state.records[slot] {
                if record.crashes >= Self.crashesBeforeSetAside {
                    state.setAside += 1
                    return .setAside
                }
                state.records[slot]?.inProgress = true
                write(slot, state.records[slot])
                return .handle(entry: slot)
            }
            // A free slot, else the oldest record that never crashed, else slot 0.
            let slot = state.records.firstIndex(where: { $0 == nil })
                ?? state.records.firstIndex(where: { $0?.inProgress == false && $0?.crashes == 0 })
                ?? state.records.firstIndex(where: { $0?.inProgress == false }) ?? 0
            state.records[slot] = Record(fingerprint: fingerprint, inProgress: true, crashes: 0)
            write(slot, state.records[slot])
            return .handle(entry: slot)
        }
    }

    /// The message `begin` marked was handled without a crash: its record is forgotten, unless it
    /// crashed the daemon before (then it stays, not in progress, so a third crash is counted).
    func finished(entry slot: Int) {
        state.withLock { state in
            guard state.records.indices.contains(slot) else { return }
            if (state.records[slot]?.crashes ?? 0) == 0 {
                state.records[slot] = nil
            } else {
                state.records[slot]?.inProgress = false
            }
            write(slot, state.records[slot])
        }
    }

    private func write(_ slot: Int, _ record: Record?) {
        var bytes = [UInt8](repeating: 0, count: Self.recordSize)
        if let record {
            bytes.replaceSubrange(0..<16, with: record.fingerprint.prefix(16))
            bytes[16] = record.inProgress ? 1 : 2
            bytes[17] = record.crashes
        }
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(slot * Self.recordSize)) }
    }
}
