// swift-tools-version: 6.0
// PaxosKV: a replicated key-value store on Multi-Paxos. No package dependencies;
// zlib comes from the system through the CZlib module map.
import PackageDescription

let package = Package(
    name: "PaxosKV",
    products: [
        .executable(name: "paxos-sim", targets: ["paxos-sim"]),
        .executable(name: "storage-bench", targets: ["storage-bench"]),
        .executable(name: "paxosd", targets: ["paxosd"]),
        .executable(name: "kvctl", targets: ["kvctl"]),
        .executable(name: "paxos-chaos", targets: ["paxos-chaos"]),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "CLinux", path: "Sources/CLinux"),
        .target(name: "CCRC32C", path: "Sources/CCRC32C"),
        .target(name: "CRedisFloat", path: "Sources/CRedisFloat"),
        .target(name: "PaxosCore"),
        .target(name: "KVStore", dependencies: ["PaxosCore", "Wire", "CRedisFloat"]),
        .target(name: "Wire", dependencies: ["PaxosCore", "CCRC32C"]),
        .target(name: "Simulator", dependencies: ["PaxosCore", "Trace"]),
        .target(name: "Checker"),
        // Pure: protocol trace events, their JSON lines, and message-sequence charts of them.
        .target(name: "Trace", dependencies: ["PaxosCore"]),
        // The operating system, once: syscalls and errno errors, clock,
        // thread, lock, file I/O, sockets, epoll, eventfd, rlimits.
        .target(name: "Posix", dependencies: ["CLinux"]),
        .target(name: "Storage", dependencies: ["PaxosCore", "Posix", "CZlib", "CLinux", "Metrics"]),
        // Pure: histograms, the Prometheus text format, the metrics port's routes and health verdict.
        .target(name: "Metrics", dependencies: ["Wire", "Trace"]),
        // Pure: the config file's parser and the cluster it describes.
        .target(name: "Config", dependencies: ["PaxosCore"]),
        // Pure: the client port's commands, routing and replies.
        .target(name: "ClientPort", dependencies: ["PaxosCore", "KVStore", "Wire", "Config"]),
        // The daemon: event loop, connections, peers, the node, logging.
        .target(name: "Runtime", dependencies: ["PaxosCore", "KVStore", "Storage", "Wire", "Posix", "Config", "ClientPort", "CLinux", "Metrics", "Trace"]),
        // What talks to a cluster from outside: RESP client, INFO parsing, kvctl.
        .target(name: "Client", dependencies: ["Posix", "Wire", "Config", "PaxosCore"]),
        .target(name: "Chaos", dependencies: ["Client", "Posix", "Checker", "Wire", "PaxosCore"]),
        .executableTarget(name: "paxos-chaos", dependencies: ["Chaos", "Checker"]),
        .executableTarget(name: "paxos-sim", dependencies: ["Simulator", "Posix", "Trace"]),
        .executableTarget(name: "paxosd", dependencies: ["Runtime", "Config", "Posix"]),
        .executableTarget(name: "kvctl", dependencies: ["Client", "Wire", "Posix", "Storage", "Trace"]),
        .executableTarget(name: "storage-bench", dependencies: ["Storage", "Posix"]),
        .testTarget(name: "PaxosCoreTests", dependencies: ["PaxosCore", "Simulator"]),
        .testTarget(name: "KVStoreTests", dependencies: ["KVStore"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Wire"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulator", "PaxosCore"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "PaxosCore", "Posix"]),
        .testTarget(name: "WireTests", dependencies: ["Wire", "PaxosCore"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Wire", "Posix", "Config", "Client"]),
        .testTarget(name: "TraceTests", dependencies: ["Trace", "PaxosCore", "Simulator"]),
        .testTarget(name: "CheckerTests", dependencies: ["Checker", "PaxosCore"]),
        .testTarget(name: "PosixTests", dependencies: ["Posix"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "PaxosCore", "Posix"]),
        .testTarget(name: "ClientPortTests", dependencies: ["ClientPort", "KVStore", "PaxosCore", "Wire", "Config"]),
        .testTarget(name: "ClientTests", dependencies: ["Client", "Posix", "Wire", "Config"]),
        .testTarget(name: "ClusterTests", dependencies: ["Client", "Wire", "Chaos", "Posix", "Config", "Storage", "KVStore", "Trace"]),
        .testTarget(name: "ChaosTests", dependencies: ["Chaos", "Checker", "Client", "Posix"]),
    ]
)
