/// redis-py scripts against a cluster: the import guard they all start
/// with, written to a file in the cluster's directory and run with python3.
enum RedisPy {
    static let preamble = """
        import sys, time, threading
        try:
            import redis
        except ImportError:
            print("MISSING redis-py: pip install redis (CI's .ci/run installs it)")
            sys.exit(7)

        """

    /// Runs `script` (after the preamble) as DIR/`name`.py with `arguments`.
    static func run(_ script: String, named name: String, in cluster: TestCluster, arguments: [String],
                    timeoutMs: UInt64) throws -> InteropTool.Result {
        let path = cluster.directory + "/\(name).py"
        try writeFile(path, preamble + script)
        return try InteropTool.run("python3", [path] + arguments, in: cluster.directory, tag: "redis-py-\(name)", timeoutMs: timeoutMs)
    }
}
