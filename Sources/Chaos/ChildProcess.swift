import Glibc

/// One child process with stdout and stderr appended to a log file.
/// `kill()` sends SIGKILL and reaps it; it is idempotent, and deinit calls it,
/// so a child never outlives its owner's scope.
public final class ChildProcess {
    public let pid: pid_t
    public let logPath: String
    private var exitStatus: Int32?

    public init(executable: String, arguments: [String], logPath: String) throws(ChaosError) {
        self.logPath = logPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        pid = try spawnWithCleanSignals(executable, arguments, &actions)
        ChildRegistry.started(pid)
    }

    deinit { kill() }

    /// The exit code once it exited (nil while running; 128+N after signal N).
    public func pollExit() -> Int32? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        let signal = status & 0x7f
        exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        ChildRegistry.reaped(pid)
        return exitStatus
    }

    public var isRunning: Bool { pollExit() == nil }

    /// Waits for it to exit on its own, up to `timeoutMs`.
    public func waitForExit(timeoutMs: UInt64) -> Int32? {
        _ = waitUntil(timeoutMs: Int64(timeoutMs)) { pollExit() != nil }
        return pollExit()
    }

    public func signal(_ signal: Int32) {
        guard pollExit() == nil else { return }
        Glibc.kill(pid, signal)
    }

    /// SIGKILL and reap. A stopped process dies of SIGKILL too. A child
    /// that had already exited keeps its own status (a crash stays visible).
    public func kill() {
        guard pollExit() == nil else { return }
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        let signal = status & 0x7f
        exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        ChildRegistry.reaped(pid)
    }
}

/// posix_spawn with an empty signal mask and default dispositions: the test
/// runner may block or ignore signals, and a child must get a clean slate.
public func spawnWithCleanSignals(_ executable: String, _ arguments: [String],
                                  _ actions: inout posix_spawn_file_actions_t) throws(ChaosError) -> pid_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
    guard rc == 0 else { throw ChaosError("cannot start \(executable): \(String(cString: strerror(rc)))") }
    return pid
}
