import Metrics
import Testing

@Suite("Histogram")
struct HistogramTests {
    @Test("an observation lands in the first bucket whose bound it does not exceed; the cumulative counts rise to the total")
    func buckets() {
        var h = Histogram(bounds: [1, 2, 5])
        for v in [0.5, 1, 1.5, 2, 4.9, 5, 7, 100] { h.observe(v) }
        #expect(h.counts == [2, 2, 2, 2])
        #expect(h.cumulativeCounts == [2, 4, 6])
        #expect(h.count == 8)
        #expect(h.sum == 0.5 + 1 + 1.5 + 2 + 4.9 + 5 + 7 + 100)
    }

    @Test("merging adds counts, sum and count")
    func merge() {
        var a = Histogram(bounds: Histogram.batchBounds)
        var b = Histogram(bounds: Histogram.batchBounds)
        a.observe(1)
        b.observe(3)
        b.observe(5000)
        a.merge(b)
        #expect(a.count == 3)
        #expect(a.sum == 5004)
        #expect(a.cumulativeCounts.first == 1)
        #expect(a.cumulativeCounts.last == 2)
        #expect(a.counts.last == 1)
    }
}

@Suite("histogram quantile bounds")
struct HistogramQuantileTests {
    @Test("the bound of the bucket holding the quantile; nil when empty; infinity above the last bound")
    func quantiles() {
        var h = Histogram(bounds: [1, 2, 5])
        #expect(h.quantileBound(0.5) == nil)
        for v in [0.5, 0.7, 1.5, 4, 9] { h.observe(v) }
        #expect(h.quantileBound(0.2) == 1)
        #expect(h.quantileBound(0.4) == 1)
        #expect(h.quantileBound(0.6) == 2)
        #expect(h.quantileBound(0.8) == 5)
        #expect(h.quantileBound(0.99) == .infinity)
    }
}
