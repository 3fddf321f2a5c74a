import CLinux
import Glibc
import Posix

/// A small single-threaded epoll loop in the shape of redis `ae.c`: file
/// handlers in a table indexed by fd, timers by monotonic deadline, a
/// `beforeSleep` hook each iteration, and an eventfd to wake it.
///
/// Threading: everything here must be called on the thread that runs
/// `run()`, except `wake()` and a `Waker` (from `waker`), which any thread
/// may use. Not Sendable on purpose.
///
/// Each registration gets a fresh generation, packed with the fd into the
/// epoll data (as swift-nio's SelectorEpoll does): an event queued for an fd
/// that was unregistered, closed and reused within one batch carries the
/// old generation and is dropped.
public final class EventLoop {
    public typealias Handler = (IOEvents) -> Void

    private struct Registration {
        var generation: UInt32
        var interest: IOEvents
        var handler: Handler
    }

    private let epollFD: CInt
    private let wakeup: WakeupFD
    /// Indexed by fd. Invariant: an entry exists exactly while the fd is in the epoll set.
    private var registrations: [Registration?] = []
    private var lastGeneration: UInt32 = 0
    private var timers = TimerQueue()
    private var events: UnsafeMutableBufferPointer<epoll_event>
    private var isStopping = false

    /// Runs on the loop thread before every wait: flush replies, start fsyncs.
    public var beforeSleep: (() -> Void)?
    /// Runs on the loop thread after another thread called `wake()`.
    public var onWake: (() -> Void)?
    /// Events dropped because they belonged to an earlier registration of the fd (for tests and stats).
    public private(set) var staleEventsDropped = 0

    public init(maxEventsPerWait: Int = 256) throws(IOError) {
        precondition(maxEventsPerWait > 0)
        epollFD = try Epoll.create()
        do {
            wakeup = try WakeupFD()
        } catch {
            try? Posix.close(epollFD)
            throw error
        }
        events = .allocate(capacity: maxEventsPerWait)
        let wakeFD = wakeup.fd
        try register(wakeFD, interest: .readable) { [unowned self] _ in
            _ = try? Posix.drainEventFD(wakeFD)
            self.onWake?()
        }
    }

    /// Close connections (and unregister other fds) before releasing the
    /// loop: registered handlers are released with it.
    deinit {
        events.deallocate()
        try? Posix.close(epollFD)
    }

    // MARK: - Thread-safe

    /// Wakes the loop from any thread.
    public func wake() { waker.wake() }

    /// A handle other threads may keep to wake this loop.
    public var waker: Waker { Waker(wakeup: wakeup) }

    // MARK: - File descriptors

    /// Watches `fd` for `interest`; `handler` runs on the loop thread with
    /// what happened. One registration per fd at a time.
    public func register(_ fd: CInt, interest: IOEvents, handler: @escaping Handler) throws(IOError) {
        precondition(fd >= 0)
        precondition(registration(fd) == nil, "fd \(fd) is already registered")
        lastGeneration &+= 1
        if lastGeneration == 0 { lastGeneration = 1 }
        try Epoll.control(epollFD, EPOLL_CTL_ADD, fd: fd, events: interest.epollMask,
                          data: Self.pack(fd: fd, generation: lastGeneration))
        if registrations.count <= Int(fd) {
            registrations.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - registrations.count))
        }
        registrations[Int(fd)] = Registration(generation: lastGeneration, interest: interest, handler: handler)
    }

    /// Changes what `fd` waits for; a no-op when it is unchanged.
    public func setInterest(_ fd: CInt, _ interest: IOEvents) throws(IOError) {
        guard let current = registration(fd) else { preconditionFailure("fd \(fd) is not registered") }
        if current.interest == interest { return }
        try Epoll.control(epollFD, EPOLL_CTL_MOD, fd: fd, events: interest.epollMask,
                          data: Self.pack(fd: fd, generation: current.generation))
        registrations[Int(fd)]!.interest = interest
    }

    /// Stops watching `fd`. Call it before closing the fd. Events already
    /// fetched for it in this iteration are dropped.
    public func unregister(_ fd: CInt) throws(IOError) {
        precondition(registration(fd) != nil, "fd \(fd) is not registered")
        precondition(fd != wakeup.fd, "the wake-up fd belongs to the loop")
        registrations[Int(fd)] = nil
        try Epoll.control(epollFD, EPOLL_CTL_DEL, fd: fd, events: 0, data: 0)
    }

    public func interest(of fd: CInt) -> IOEvents? { registration(fd)?.interest }

    private func registration(_ fd: CInt) -> Registration? {
        Int(fd) < registrations.count ? registrations[Int(fd)] : nil
    }

    // MARK: - Timers

    /// Runs `body` once after `delayMs`, or every `intervalMs` after that
    /// when repeating. Timers due at the same moment run in scheduling order.
    @discardableResult
    public func schedule(afterMs delayMs: UInt64, repeatingEveryMs intervalMs: UInt64? = nil,
                         _ body: @escaping () -> Void) -> TimerID {
        precondition(intervalMs.map { $0 > 0 } ?? true, "a repeating timer needs an interval")
        return timers.schedule(deadlineMs: SystemClock.monotonicMs() + delayMs, intervalMs: intervalMs, body: body)
    }

    /// Cancels a timer; harmless when it already fired or was cancelled.
    public func cancel(_ timer: TimerID) { timers.cancel(timer) }

    // MARK: - Running

    /// Runs iterations until `stop()`.
    public func run() throws(IOError) {
        isStopping = false
        while !isStopping {
            try runOnce()
        }
    }

    /// Makes `run()` return after the current iteration.
    public func stop() { isStopping = true }

    /// One iteration: `beforeSleep`, wait for events or the next timer
    /// (at most `maxWaitMs` when given), dispatch events, fire due timers.
    public func runOnce(maxWaitMs: Int? = nil) throws(IOError) {
        beforeSleep?()
        let count = try Epoll.wait(epollFD, into: events, timeoutMs: waitTimeoutMs(limit: maxWaitMs))
        for i in 0..<count {
            dispatch(events[i])
        }
        fireDueTimers()
    }

    private func waitTimeoutMs(limit: Int?) -> CInt {
        if isStopping { return 0 }
        var timeout = limit ?? -1
        if let deadline = timers.nextDeadlineMs() {
            let now = SystemClock.monotonicMs()
            let untilDeadline = deadline > now ? Int(min(deadline - now, UInt64(Int32.max))) : 0
            timeout = timeout < 0 ? untilDeadline : min(timeout, untilDeadline)
        }
        return CInt(clamping: timeout)
    }

    private func dispatch(_ event: epoll_event) {
        let (fd, generation) = Self.unpack(event.data.u64)
        guard let entry = registration(fd), entry.generation == generation else {
            staleEventsDropped += 1
            return
        }
        entry.handler(IOEvents(epollMask: event.events))
    }

    /// Fires the timers due now. Bounded by the live timers at the start, so
    /// a timer that schedules a zero-delay timer cannot keep the loop here.
    private func fireDueTimers() {
        let now = SystemClock.monotonicMs()
        var budget = timers.count
        while budget > 0, let (id, deadline, timer) = timers.popDue(nowMs: now) {
            budget -= 1
            timer.body()
            if let interval = timer.intervalMs {
                // Keep the cadence, but after a long stall (SIGSTOP) do not fire a burst.
                let next = deadline + interval
                timers.rearm(id, deadlineMs: next > now ? next : now + interval)
            }
        }
    }

    private static func pack(fd: CInt, generation: UInt32) -> UInt64 {
        UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd))
    }

    private static func unpack(_ data: UInt64) -> (fd: CInt, generation: UInt32) {
        (CInt(bitPattern: UInt32(truncatingIfNeeded: data)), UInt32(truncatingIfNeeded: data >> 32))
    }
}
