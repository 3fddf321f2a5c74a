import PaxosCore
import Posix

/// Writes snapshot files on its own thread, so compressing and syncing a
/// large snapshot (1,000,000 keys of 100 bytes: ~130 MB) never holds up the
/// records queued behind it on the sync thread, nor the acknowledgements
/// that wait for them. One file at a time: the log starts the next only once
/// it has finished the previous one (`WriteAheadLog`).
final class SnapshotWriter: @unchecked Sendable {
    /// Called on the writer's thread once a file is durable, or failed (then `error`).
    typealias Done = @Sendable (_ index: Slot, _ keepFrom: UInt64, _ error: (any Error)?) -> Void

    private let layout: DataDirectoryLayout
    private let fs: any FileSystem
    private let options: WALOptions
    private let onDone: Done
    /// Started by the first snapshot; its monitor guards `job`.
    private let worker = WorkerThread()
    private var monitor: Monitor { worker.monitor }
    private var job: SnapshotFile?

    init(layout: DataDirectoryLayout, fileSystem fs: any FileSystem, options: WALOptions, onDone: @escaping Done) {
        self.layout = layout
        self.fs = fs
        self.options = options
        self.onDone = onDone
    }

    /// Starts writing `file`; precondition: the previous one is done.
    func start(_ file: SnapshotFile) {
        monitor.withLock {
            precondition(job == nil, "a snapshot file started while another is being written")
            precondition(!worker.isStopping, "snapshot after stop")
            job = file
            worker.startIfNeeded { [self] in run() }
            monitor.broadcast()
        }
    }

    /// Waits for the file being written, if any, then stops the thread.
    func stop() { worker.stop() }

    private func run() {
        while true {
            let file: SnapshotFile? = monitor.withLock {
                while job == nil && !worker.isStopping { monitor.wait() }
                return job
            }
            guard let file else { return }
            let (index, keepFrom) = (file.index, file.firstSegment)
            var failure: (any Error)? = nil
            do { try SegmentWriter.writeSnapshotFile(file, layout, fs, options) } catch { failure = error }
            // The data is released before the log hears of it (it then hands free pages back).
            monitor.withLock { job = nil }
            onDone(index, keepFrom, failure)
        }
    }
}
