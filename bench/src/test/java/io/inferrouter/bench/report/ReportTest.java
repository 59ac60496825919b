package io.inferrouter.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.bench.load.Progress;
import io.inferrouter.bench.load.RequestResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
        RequestResult fast = new RequestResult("g", 0, 0, 100 * ms, new long[] {10 * ms}, 110 * ms, 2, 200, "e", null);
        RequestResult slowFirstToken = new RequestResult("g", 0, 0, 900 * ms, new long[] {10 * ms}, 910 * ms, 2, 200, "e", null);
        RequestResult failed = new RequestResult("g", 0, 0, -1, new long[0], 5 * ms, 0, 503, null, "x");
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
    void normalizedTimePerTokenChargesTheWholeRequestToEveryToken() {
        long ms = 1_000_000;
        // 100 ms to the first token, then 9 more 10 ms apart: TPOT 10 ms, normalized 190 / 10 = 19 ms.
        RequestResult r = new RequestResult("g", 0, 0, 100 * ms, new long[] {10 * ms, 10 * ms}, 190 * ms, 10, 200, "e",
                null);
        assertThat(r.tpotNanos()).isEqualTo(10.0 * ms);
        assertThat(r.normalizedNanosPerToken()).isEqualTo(19.0 * ms);
        assertThat(r.itlMeanNanos()).isEqualTo(10.0 * ms);
        StageStats s = StageStats.of("p", "W1", 1, 1, 1, 500, 50, List.of(r));
        assertThat(s.normalizedMsPerToken()).containsEntry("p50", 19.0).containsEntry("p99", 19.0);
        assertThat(s.tpotMs()).containsEntry("p90", 10.0);
    }

    @Test
    void csvFlattensPercentilesAndQuotesWhatNeedsIt() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("change", "edit, then wait");
        row.put("ttftMs", new TreeMap<>(Map.of("p50", 1.5, "p99", 2.0)));
        row.put("missing", Double.NaN);
        assertThat(Csv.of(List.of(row))).isEqualTo("change,ttftMsP50,ttftMsP99,missing\n\"edit, then wait\",1.5,2.0,\n");
        assertThat(Csv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    }

    @Test
    void progressLinesCountSentCompletedErrorsAndInFlight() {
        Progress p = new Progress("default 40 req/s", Duration.ZERO, System.err);
        p.sent();
        p.sent();
        p.sent();
        p.completed(new RequestResult("g", 0, 0, 1, new long[0], 2, 1, 200, "e", null));
        p.completed(new RequestResult("g", 0, 0, -1, new long[0], 2, 0, 503, null, "x"));
        assertThat(p.line()).startsWith("[default 40 req/s]")
                .endsWith("sent 3, completed 2, errors 1, in flight 1");
    }

    @Test
    void chartsRenderEverySeries() {
        String svg = new SvgChart("t", "x", "y", true).point("a", 1, 10).point("a", 2, 100).point("b", 1, 5).render();
        assertThat(svg).startsWith("<svg").contains(">a<").contains(">b<").contains("polyline");
    }
}
