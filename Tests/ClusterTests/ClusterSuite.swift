import Testing

/// Every test that starts real `paxosd` processes nests in here, so they
/// run one at a time: never two clusters competing for the CPU.
@Suite("Cluster (real paxosd processes)", .serialized)
struct ClusterSuite {}
