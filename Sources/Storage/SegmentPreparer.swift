import Posix

/// Prepares the next segment file ahead of rotation on its own thread, so
/// the zero fill of a new segment (16 MiB by default) and its syncs never
/// hold up a batch on the sync thread: `SegmentWriter` asks for segment
/// N+1 once segment N is half full, and at rotation only renames the spare
/// into place and syncs the directory. The spare stays `<seq>.wal.tmp`
/// until then, so a crash at any point of its preparation leaves a temp
/// file that recovery removes. A failed preparation is not fatal: the
/// writer then creates the segment itself at rotation, and reports that
/// error if it fails again.
final class SegmentPreparer: @unchecked Sendable {
    private enum State {
        case idle
        case wanted(UInt64)
        case preparing(UInt64)
        case ready(UInt64, SegmentHeader)
        case failed(UInt64)
    }

    private let layout: DataDirectoryLayout
    private let fs: any FileSystem
    private let options: WALOptions
    /// Started by the first request; its monitor guards `state`.
    private let worker = WorkerThread()
    private var monitor: Monitor { worker.monitor }
    private var state = State.idle

    init(layout: DataDirectoryLayout, fileSystem fs: any FileSystem, options: WALOptions) {
        self.layout = layout
        self.fs = fs
        self.options = options
    }

    /// Starts preparing segment `sequence`, unless a spare is already wanted, under way or ready.
    func request(_ sequence: UInt64) {
        monitor.withLock {
            guard case .idle = state, !worker.isStopping else { return }
            state = .wanted(sequence)
            worker.startIfNeeded { [self] in run() }
            monitor.broadcast()
        }
    }

    /// The header of spare `sequence`, synced as `<sequence>.wal.tmp`;
    /// waits while it is being prepared. Nil when there is none (not begun,
    /// or failed): the caller then creates the segment itself.
    func take(_ sequence: UInt64) -> SegmentHeader? {
        monitor.withLock {
            while true {
                switch state {
                case .idle:
                    return nil
                case .preparing(let s):
                    precondition(s == sequence, "spare segment \(s) prepared, \(sequence) wanted")
                    monitor.wait()
                case .wanted(let s), .failed(let s):
                    precondition(s == sequence, "spare segment \(s) requested, \(sequence) wanted")
                    state = .idle
                    return nil
                case .ready(let s, let header):
                    precondition(s == sequence, "spare segment \(s) ready, \(sequence) wanted")
                    state = .idle
                    return header
                }
            }
        }
    }

    /// Stops the thread (an unfinished spare stays a `.wal.tmp`, removed at the next open).
    func stop() { worker.stop() }

    private func run() {
        while true {
            let next: UInt64? = monitor.withLock {
                while !worker.isStopping {
                    if case .wanted(let s) = state {
                        state = .preparing(s)
                        return s
                    }
                    monitor.wait()
                }
                return nil
            }
            guard let next else { return }
            let header = SegmentHeader.makeRandom()
            let completed = (try? SegmentFiles.writeTemp(next, header: header, layout, fs, options, syncsEachChunk: true,
                                                         shouldStop: { monitor.withLock { worker.isStopping } })) ?? false
            monitor.withLock {
                state = completed ? .ready(next, header) : .failed(next)
                monitor.broadcast()
            }
        }
    }
}
