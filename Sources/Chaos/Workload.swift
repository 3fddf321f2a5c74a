import Checker
import Posix

/// Runs `clientsPerNode` client threads per node until a deadline and
/// collects their history.
struct Workload {
    let clientPorts: [Int: UInt16]
    /// Where clients go when their node is removed (nil: no member changes).
    var members: MemberPorts? = nil
    let options: WorkloadOptions
    let seed: UInt64
    let startNs: Int64
    let collector = HistoryCollector()

    /// Starts the clients; `join` waits for them after the deadline.
    func start(untilNs deadlineNs: Int64) -> [PosixThread] {
        var threads: [PosixThread] = []
        for id in clientPorts.keys.sorted() {
            for index in 0..<options.clientsPerNode {
                let (port, options, startNs, collector, members) = (clientPorts[id]!, options, startNs, collector, members)
                let seed = seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(id * 1_000 + index)
                threads.append(PosixThread {
                    var client = WorkloadClient(port: port, options: options, startNs: startNs, collector: collector,
                                                seed: seed, members: members)
                    client.run(untilNs: deadlineNs)
                })
            }
        }
        return threads
    }
}
