import Glibc
import Posix

/// Every child process still running, so an interrupted chaos run can kill
/// its daemons instead of leaving them (some perhaps SIGSTOPped) behind.
enum ChildRegistry {
    static let live = Locked<Set<pid_t>>([])

    static func started(_ pid: pid_t) { _ = live.withLock { $0.insert(pid) } }
    static func reaped(_ pid: pid_t) { _ = live.withLock { $0.remove(pid) } }

    /// SIGKILLs every registered child; returns how many.
    static func killAll() -> Int {
        live.withLock { pids in
            for pid in pids { kill(pid, SIGKILL) }
            return pids.count
        }
    }
}

/// Call first thing in `main`, before any thread starts: blocks SIGINT,
/// SIGTERM and SIGHUP in every thread and waits for them on a thread of
/// their own, which kills every child process, calls `then` with how many
/// it killed, and exits with 128 + the signal. Children start with a clean
/// signal mask (`spawnWithCleanSignals`), so they are not affected.
public func killChildrenOnInterrupt(then report: @escaping @Sendable (Int) -> Void) {
    var set = sigset_t()
    sigemptyset(&set)
    for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, signal) }
    pthread_sigmask(SIG_BLOCK, &set, nil)
    let blocked = set
    _ = PosixThread {
        var waitSet = blocked
        var signal: Int32 = 0
        guard sigwait(&waitSet, &signal) == 0 else { return }
        report(ChildRegistry.killAll())
        _exit(128 + signal)
    }
}
