import SMSCodec
import Foundation

/// One modem as the network sees it: where to hand its messages, what waits for it, its counters.
struct ModemEndpoint {
    var number: String
    var link: ModemLink?
    /// DELIVERs and status reports the modem has not taken yet, in order.
    var pending: [ModemBound] = []
    var redeliveryScheduled = false
    /// The counters that belong to this modem (submitted, delivered, refused, reports).
    var traffic = NetworkStats()

    init(number: String) {
        self.number = number
    }
}

/// The modems on the network: connecting them, finding them by number, their own queues.
extension VirtualNetwork {
    /// Connects the first modem; see `connectModem(number:deliver:deliverStatusReport:)`.
    public func connectModem(
        deliver: @escaping @Sendable (SMSDeliver) -> DeliveryOutcome,
        deliverStatusReport: @escaping @Sendable (SMSStatusReport) -> DeliveryOutcome
    ) {
        connectModem(index: 0, ModemLink(deliver: deliver, deliverStatusReport: deliverStatusReport))
    }

    /// Connects the modem with that number: where its DELIVERs and status reports go, until
    /// it is disconnected. Throws for a number that is not one of `modemNumbers`.
    public func connectModem(
        number: String, deliver: @escaping @Sendable (SMSDeliver) -> DeliveryOutcome,
        deliverStatusReport: @escaping @Sendable (SMSStatusReport) -> DeliveryOutcome
    ) throws(SimulationError) {
        let index = try modemIndex(number, operation: "connect modem")
        connectModem(index: index, ModemLink(deliver: deliver, deliverStatusReport: deliverStatusReport))
    }

    private func connectModem(index: Int, _ link: ModemLink) {
        withLock { endpoints[index].link = link }
        flush(endpoint: index)
    }

    /// Lets go of every modem; deliveries wait until they are connected again.
    public func disconnectModem() {
        withLock {
            for index in endpoints.indices { endpoints[index].link = nil }
        }
    }

    /// The counters with the modem-specific ones (submitted and delivered parts, refusals,
    /// pending deliveries, status reports) of that modem only; nil for an unknown number.
    public func statistics(modem number: String) -> NetworkStats? {
        withLock {
            guard let index = endpoints.firstIndex(where: { PhoneNumbers.same($0.number, number) }) else { return nil }
            var copy = stats
            let own = endpoints[index].traffic
            copy.submittedParts = own.submittedParts
            copy.submittedMessages = own.submittedMessages
            copy.deliveredParts = own.deliveredParts
            copy.refusedDeliveries = own.refusedDeliveries
            copy.statusReports = own.statusReports
            copy.pendingDeliveries = endpoints[index].pending.count
            return copy
        }
    }

    /// The index of the modem with that number (the first for nil).
    func modemIndex(_ number: String?, operation: String) throws(SimulationError) -> Int {
        guard let number else { return 0 }
        guard let index = modemNumbers.firstIndex(where: { PhoneNumbers.same($0, number) }) else {
            throw SimulationError(path: number, operation: operation, detail: "no modem with that number")
        }
        return index
    }

    /// The index of a modem whose number is `number`, if any (tracker replies address modems by number).
    func modemIndex(addressedBy number: String) -> Int? {
        modemNumbers.firstIndex { PhoneNumbers.same($0, number) }
    }

    func enqueue(_ items: [ModemBound], to index: Int) {
        withLock { endpoints[index].pending += items }
        flush(endpoint: index)
    }

    /// Hands every modem its held deliveries.
    func flushDeliveries() {
        for index in endpoints.indices { flush(endpoint: index) }
    }

    /// Hands one modem its held deliveries in order; stops at its first refusal and retries later.
    func flush(endpoint index: Int) {
        queue.async { [self] in
            while true {
                let next = withLock { () -> (ModemBound, ModemLink)? in
                    guard let link = endpoints[index].link, let first = endpoints[index].pending.first else { return nil }
                    return (first, link)
                }
                guard let (item, link) = next else { return }
                let outcome: DeliveryOutcome
                switch item {
                case .deliver(let deliver): outcome = link.deliver(deliver)
                case .statusReport(let report): outcome = link.deliverStatusReport(report)
                }
                if case .refused(let why) = outcome {
                    let schedule = withLock { () -> Bool in
                        stats.refusedDeliveries += 1
                        endpoints[index].traffic.refusedDeliveries += 1
                        defer { endpoints[index].redeliveryScheduled = true }
                        return !endpoints[index].redeliveryScheduled
                    }
                    logger.debug("modem refused a delivery; holding it", metadata: ["reason": "\(why)", "modem": "\(index)"])
                    if schedule {
                        queue.asyncAfter(deadline: .now() + redeliveryInterval.timeInterval) { [self] in
                            withLock { endpoints[index].redeliveryScheduled = false }
                            flush(endpoint: index)
                        }
                    }
                    return
                }
                withLock {
                    if !endpoints[index].pending.isEmpty { endpoints[index].pending.removeFirst() }
                    switch item {
                    case .deliver:
                        stats.deliveredParts += 1
                        endpoints[index].traffic.deliveredParts += 1
                    case .statusReport:
                        stats.statusReports += 1
                        endpoints[index].traffic.statusReports += 1
                    }
                }
            }
        }
    }
}
