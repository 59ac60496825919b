package io.inferrouter.ingestor.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static String fixture(String name) throws Exception {
        return Files.readString(Path.of("src/test/resources/metrics", name));
    }

    @Test
    void labelsEscapesSpecialValuesAndTimestampsAreRead() {
        PrometheusText.Exposition e = PrometheusText.parse("""
                # HELP x help text
                a_total{path="/v1",msg="say \\"hi\\"\\n",back="c:\\\\tmp"} 3 1700000000000
                b:c NaN
                d{x="1",} +Inf
                e -Inf
                f{ x = "y" }\t1.5e-3
                """);
        List<PrometheusText.Sample> s = e.samples();
        assertThat(s).hasSize(5);
        assertThat(s.get(0).labels()).isEqualTo(Map.of("path", "/v1", "msg", "say \"hi\"\n", "back", "c:\\tmp"));
        assertThat(s.get(0).timestampMs()).isEqualTo(1_700_000_000_000L);
        assertThat(s.get(1).value()).isNaN();
        assertThat(s.get(1).timestampMs()).isNull();
        assertThat(s.get(2).value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(s.get(3).value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(s.get(4).labels()).isEqualTo(Map.of("x", "y"));
        assertThat(s.get(4).value()).isEqualTo(0.0015);
    }

    @Test
    void typesHelpAndHistogramSeriesOfARealVllmExpositionAreRead() throws Exception {
        PrometheusText.Exposition e = PrometheusText.parse(fixture("vllm.txt"));
        assertThat(e.types()).containsEntry("vllm:time_to_first_token_seconds", "histogram")
                .containsEntry("vllm:num_requests_running", "gauge")
                .containsEntry("vllm:prefix_cache_hits_total", "counter");
        assertThat(e.help()).containsEntry("vllm:num_requests_waiting", "Number of requests waiting to be processed.");
        List<PrometheusText.Sample> buckets = e.named("vllm:time_to_first_token_seconds_bucket");
        assertThat(buckets).extracting(b -> b.labels().get("le")).containsExactly("0.001", "0.04", "0.25", "+Inf");
        assertThat(buckets.get(3).value()).isEqualTo(42.0);
        assertThat(e.named("vllm:time_to_first_token_seconds_sum").get(0).value()).isEqualTo(3.71);
        assertThat(e.named("vllm:cache_config_info").get(0).labels()).containsEntry("num_cpu_blocks", "None");
    }

    @Test
    void openMetricsExemplarsSecondTimestampsAndEofAreRead() throws Exception {
        PrometheusText.Exposition e = PrometheusText.parse(fixture("openmetrics.txt") + "after_eof{ 1\n");
        assertThat(e.help().get("http_requests")).contains("an \\ escaped backslash and a \n newline");
        assertThat(e.named("http_requests_total").get(0).timestampMs()).isEqualTo(1_700_000_000_500L);
        assertThat(e.named("latency_seconds_bucket").get(0).value()).isEqualTo(8.0);
        assertThat(e.named("after_eof")).as("nothing after # EOF is read").isEmpty();
    }

    @Test
    void malformedLinesAreErrorsNamingTheLine() {
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbad{x=1} 2\n")).hasMessageContaining("line 2")
                .hasMessageContaining("expected '\"'");
        assertThatThrownBy(() -> PrometheusText.parse("<html>oops</html>")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> PrometheusText.parse("x{a=\"unterminated} 1")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> PrometheusText.parse("x{a=\"1\",a=\"2\"} 1")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> PrometheusText.parse("x Infinity")).hasMessageContaining("bad value");
        assertThatThrownBy(() -> PrometheusText.parse("x 1 2 3")).hasMessageContaining("unexpected text");
        assertThatThrownBy(() -> PrometheusText.parse("x{a=\"\\t\"} 1")).hasMessageContaining("bad escape");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x sometimes\nx 1")).hasMessageContaining("unknown metric type");
        assertThatThrownBy(() -> PrometheusText.parse("x")).hasMessageContaining("line 1");
    }

    @Test
    void commentsBlankLinesAndWindowsLineEndsAreIgnored() {
        PrometheusText.Exposition e = PrometheusText.parse("# just a comment\r\n\r\nx 1\r\n  \ny{a=\"b\"} 2\r\n");
        assertThat(e.samples()).extracting(PrometheusText.Sample::name).containsExactly("x", "y");
    }
}
