import Config
import Posix

/// The client addresses kvctl talks to, with node ids when a config names them.
public struct KvctlEndpoints: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        /// The config's node id; nil for `--endpoints`, where INFO tells it.
        public var id: Int?
        public var address: HostPort
    }

    public var nodes: [Node]
    /// Sent with AUTH after connecting, when the config sets `password`
    /// (or `PAXOSKV_PASSWORD` is set).
    public var password: String?
    /// The servers' `request_timeout_ms` when the config says; an attempt
    /// waits a little longer, so their -NOQUORUM/-TIMEOUT arrives first.
    public var requestTimeoutSeconds: Double = Double(Tuning().requestTimeoutMs) / 1_000
    /// A leaderless follower answers -NOQUORUM within two election timeouts;
    /// a write retry needs about that much time left to end definitely.
    public var writeRetryFloorSeconds: Double = Double(Tuning().electionTimeoutMs) * 4 / 1_000

    public var addresses: [HostPort] { nodes.map(\.address) }

    public init(nodes: [Node], password: String?) {
        precondition(!nodes.isEmpty, "kvctl needs at least one endpoint")
        self.nodes = nodes
        self.password = password
    }

    /// Loads the config for `.config`; a bad or missing file is a usage error (exit 2).
    public static func resolve(_ target: KvctlTarget, environmentPassword: String?) throws(KvctlFailure) -> KvctlEndpoints {
        switch target {
        case .endpoints(let list):
            return KvctlEndpoints(nodes: list.map { Node(id: nil, address: $0) }, password: environmentPassword)
        case .config(let path):
            let config: ClusterConfig
            do {
                config = try ClusterConfig.load(path: path, reading: readTextFile)
            } catch {
                let hint = path == KvctlInvocation.defaultConfigPath
                    ? "\n(run kvctl from the repository root, or give --config FILE or --endpoints HOST:PORT,...)" : ""
                throw KvctlFailure(.usage, "\(error)\(hint)")
            }
            var endpoints = KvctlEndpoints(nodes: config.nodes.map { Node(id: $0.id, address: $0.client) },
                                           password: config.password ?? environmentPassword)
            endpoints.requestTimeoutSeconds = Double(config.tuning.requestTimeoutMs) / 1_000
            endpoints.writeRetryFloorSeconds = Double(config.tuning.electionTimeoutMs) * 4 / 1_000
            return endpoints
        }
    }

    /// `HOST:PORT,HOST:PORT,...` as in `--endpoints` and `PAXOSKV_ENDPOINTS`.
    static func parse(_ list: String, what: String) throws(KvctlFailure) -> [HostPort] {
        var endpoints: [HostPort] = []
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = String(item.filter { $0 != " " })
            switch HostPort.parse(trimmed) {
            case .success(let address): endpoints.append(address)
            case .failure(let why): throw KvctlFailure(.usage, "\(what): bad endpoint '\(trimmed)': \(why)")
            }
        }
        precondition(!endpoints.isEmpty, "split always yields one item")
        return endpoints
    }
}
