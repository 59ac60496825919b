package io.inferrouter.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.bench.load.RequestResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void percentilesUseNearestRank() {
        Percentiles p = new Percentiles(new double[] {5, 1, 4, 2, 3});
        assertThat(p.at(50)).isEqualTo(3);
        assertThat(p.at(99)).isEqualTo(5);
        assertThat(p.at(0)).isEqualTo(1);
        assertThat(new Percentiles(new double[0]).at(50)).isNaN();
    }

    @Test
    void stageStatsCountGoodputAgainstTheSloInModelTime() {
        long ms = 1_000_000;
        RequestResult fast = new RequestResult("g", 0, 100 * ms, new long[] {10 * ms}, 110 * ms, 2, 200, "e", null);
        RequestResult slowFirstToken = new RequestResult("g", 0, 900 * ms, new long[] {10 * ms}, 910 * ms, 2, 200, "e", null);
        RequestResult failed = new RequestResult("g", 0, -1, new long[0], 5 * ms, 0, 503, null, "x");
        StageStats s = StageStats.of("default", "W2", 2.0, 1.0, 1.0, 500, 50, List.of(fast, slowFirstToken, failed));
        assertThat(s.requests()).isEqualTo(3);
        assertThat(s.errors()).isEqualTo(1);
        assertThat(s.goodputPerSecond()).isEqualTo(1.0);
        assertThat(s.outputTokensPerSecond()).isEqualTo(4.0);
        // At a 0.1 time scale, 900 ms measured is 9 s of model time: still over the SLO.
        StageStats scaled = StageStats.of("default", "W2", 2.0, 1.0, 0.1, 500, 50, List.of(fast));
        assertThat(scaled.goodputPerSecond()).isZero();
    }

    @Test
    void chartsRenderEverySeries() {
        String svg = new SvgChart("t", "x", "y", true).point("a", 1, 10).point("a", 2, 100).point("b", 1, 5).render();
        assertThat(svg).startsWith("<svg").contains(">a<").contains(">b<").contains("polyline");
    }
}
