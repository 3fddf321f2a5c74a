/// A blocking fake node on its own thread: accepts connections one at a
/// time and answers each command with `respond(command)`; nil closes the
/// connection without a reply (a dropped connection after the request).
/// Records every command it received.
import Config
import Glibc
import Posix
import Synchronization
import Wire
@testable import Client

final class ScriptedRESPServer: Sendable {
    let port: UInt16
    private let listener: CInt
    private let respond: @Sendable ([[UInt8]]) -> [UInt8]?
    private let received = Locked<[[[UInt8]]]>([])
    private let isStopping = Atomic<Bool>(false)
    private let thread = Locked<PosixThread?>(nil)

    init(respond: @escaping @Sendable ([[UInt8]]) -> [UInt8]?) throws {
        let (fd, address) = try Posix.makeLoopbackListener()
        listener = fd
        port = address.port
        self.respond = respond
        let serve = PosixThread { [self] in self.serve() }
        thread.withLock { $0 = serve }
    }

    /// Replies with the same raw RESP bytes to every command.
    convenience init(always reply: String) throws {
        try self.init { _ in Array(reply.utf8) }
    }

    var commands: [[[UInt8]]] { received.withLock { $0 } }

    var endpoint: HostPort { HostPort(host: "127.0.0.1", port: port) }

    func stop() {
        isStopping.store(true, ordering: .relaxed)
        thread.withLock { $0 }?.join()
        try? Posix.close(listener)
    }

    private func serve() {
        while !isStopping.load(ordering: .relaxed) {
            guard case .processed(let (fd, _))? = try? Posix.accept(listener) else {
                var entry = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                _ = poll(&entry, 1, 20)
                continue
            }
            handle(fd)
            try? Posix.close(fd)
        }
    }

    private func handle(_ fd: CInt) {
        var parser = RESPCommandParser()
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while !isStopping.load(ordering: .relaxed) {
            while case .command(let argv)? = parser.next() {
                received.withLock { $0.append(argv) }
                guard let reply = respond(argv) else { return }
                reply.withUnsafeBytes { raw in
                    do throws(IOError) { try Posix.writeAll(fd, raw) } catch {}
                }
            }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 20) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { return }
            parser.append(contentsOf: buffer[0..<n])
        }
    }
}

/// A port nobody listens on.
func kvctlClosedPort() throws -> HostPort {
    let (fd, address) = try Posix.makeLoopbackListener()
    try Posix.close(fd)
    return HostPort(host: "127.0.0.1", port: address.port)
}
