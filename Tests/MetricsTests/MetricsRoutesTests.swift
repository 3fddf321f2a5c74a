import Metrics
import Testing
import Wire

@Suite("Metrics port routes and health")
struct MetricsRoutesTests {
    let healthy = HealthVerdict(isVoter: true, leaderID: 2, commitIndex: 10, applied: 9, maxLag: 5)

    func respond(_ method: String, _ path: String, health: HealthVerdict? = nil) -> HTTPResponse {
        MetricsRoutes.respond(to: HTTPRequestHead(method: method, path: path), metrics: { "m 1\n" },
                              health: { health ?? healthy })
    }

    @Test("GET /metrics is Prometheus text; HEAD has the same head and no body")
    func metrics() {
        let r = respond("GET", "/metrics")
        #expect(r.status == 200)
        #expect(r.contentType == MetricsRoutes.prometheusContentType)
        #expect(r.body == Array("m 1\n".utf8))
        let head = String(decoding: respond("HEAD", "/metrics").encoded(headOnly: true), as: UTF8.self)
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(head.contains("Content-Length: 4\r\n"))
        #expect(head.hasSuffix("\r\n\r\n"))
    }

    @Test("GET /health: 200 ok, or 503 with the reason")
    func health() {
        #expect(respond("GET", "/health").status == 200)
        #expect(respond("GET", "/health").body == Array("ok\n".utf8))
        let learner = respond("GET", "/health", health: HealthVerdict(isVoter: false, leaderID: 1, commitIndex: 5, applied: 5, maxLag: 0))
        #expect(learner.status == 503)
        #expect(String(decoding: learner.body, as: UTF8.self).contains("not a voter"))
        let noLeader = respond("GET", "/health", health: HealthVerdict(isVoter: true, leaderID: nil, commitIndex: 5, applied: 5, maxLag: 9))
        #expect(noLeader.status == 503)
        #expect(String(decoding: noLeader.body, as: UTF8.self).contains("no leader"))
        let lagging = HealthVerdict(isVoter: true, leaderID: 1, commitIndex: 2_000, applied: 999, maxLag: 1_000)
        #expect(!lagging.isHealthy)
        #expect(lagging.reason.contains("1001 slots behind"))
        #expect(HealthVerdict(isVoter: true, leaderID: 1, commitIndex: 2_000, applied: 1_000, maxLag: 1_000).isHealthy)
    }

    @Test("other paths 404, other methods 405 with Allow")
    func errors() {
        #expect(respond("GET", "/nope").status == 404)
        let post = respond("POST", "/metrics")
        #expect(post.status == 405)
        #expect(String(decoding: post.encoded(), as: UTF8.self).contains("Allow: GET, HEAD\r\n"))
        #expect(MetricsRoutes.badRequest("x").status == 400)
    }
}
