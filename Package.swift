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
        .target(name: "PaxosCore"),
        .target(name: "KVStore", dependencies: ["PaxosCore"]),
        .target(name: "Storage", dependencies: ["PaxosCore", "CZlib", "CLinux"]),
        .target(name: "Wire", dependencies: ["PaxosCore"]),
        .target(name: "Simulator", dependencies: ["PaxosCore"]),
        .target(name: "Checker"),
        .target(name: "Runtime", dependencies: ["PaxosCore", "KVStore", "Storage", "Wire", "CLinux"]),
        .target(name: "Chaos", dependencies: ["Runtime", "Checker", "Storage"]),
        .executableTarget(name: "paxos-chaos", dependencies: ["Chaos", "Checker"]),
        .executableTarget(name: "paxos-sim", dependencies: ["Simulator", "Storage"]),
        .executableTarget(name: "paxosd", dependencies: ["Runtime"]),
        .executableTarget(name: "kvctl", dependencies: ["Runtime", "Wire"]),
        .executableTarget(name: "storage-bench", dependencies: ["Storage"]),
        .testTarget(name: "PaxosCoreTests", dependencies: ["PaxosCore", "Simulator"]),
        .testTarget(name: "KVStoreTests", dependencies: ["KVStore"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulator", "PaxosCore"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "PaxosCore"]),
        .testTarget(name: "WireTests", dependencies: ["Wire", "PaxosCore"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Wire"]),
        .testTarget(name: "CheckerTests", dependencies: ["Checker", "PaxosCore"]),
        .testTarget(name: "ClusterTests", dependencies: ["Runtime", "Wire", "Chaos"]),
        .testTarget(name: "ChaosTests", dependencies: ["Chaos", "Checker", "Runtime"]),
    ]
)
