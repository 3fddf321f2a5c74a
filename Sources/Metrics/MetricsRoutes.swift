import Wire

/// What the metrics port answers: `GET /metrics` (Prometheus text),
/// `GET /health` (200 `ok` or 503 and why), 404 for other paths, 405 for
/// methods other than GET and HEAD. The server turns a malformed or
/// oversized request into 400 before it gets here.
public enum MetricsRoutes {
    public static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func respond(to request: HTTPRequestHead, metrics: () -> String, health: () -> HealthVerdict) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return HTTPResponse(status: 405, body: Array("method \(request.method) not allowed: use GET\n".utf8),
                                extraHeaders: [("Allow", "GET, HEAD")])
        }
        switch request.path {
        case "/metrics":
            return HTTPResponse(status: 200, contentType: prometheusContentType, body: Array(metrics().utf8))
        case "/health":
            let verdict = health()
            return HTTPResponse(status: verdict.isHealthy ? 200 : 503, text: verdict.reason)
        default:
            return HTTPResponse(status: 404, text: "not found: \(request.path) (try /, /metrics or /health)")
        }
    }

    public static func badRequest(_ reason: String) -> HTTPResponse {
        HTTPResponse(status: 400, text: "bad request: \(reason)")
    }
}
