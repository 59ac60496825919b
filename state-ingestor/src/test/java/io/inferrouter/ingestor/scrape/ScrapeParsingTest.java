package io.inferrouter.ingestor.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.ingestor.state.ScrapeTarget;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScrapeParsingTest {

    private static String fixture(String name) throws Exception {
        return Files.readString(Path.of("src/test/resources/metrics", name));
    }

    private static EndpointMetrics read(String engine, String fixture) throws Exception {
        return EngineMetrics.read(new ScrapeTarget("llm/p:8000", "10.0.0.1", 8000, engine),
                PrometheusText.parse(fixture(fixture)), 900, 1_000, "test");
    }

    @Test
    void theParserReadsLabelsEscapesAndSpecialValues() {
        List<PrometheusText.Sample> s = PrometheusText.parse("""
                # HELP x help text
                a_total{path="/v1",msg="say \\"hi\\"\\n"} 3 1700000000000
                b:c NaN
                d{x="1",} +Inf
                e -Inf
                """);
        assertThat(s).hasSize(4);
        assertThat(s.get(0).labels()).isEqualTo(Map.of("path", "/v1", "msg", "say \"hi\"\n"));
        assertThat(s.get(1).value()).isNaN();
        assertThat(s.get(2).value()).isInfinite();
        assertThat(s.get(3).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void malformedTextIsAClearError() {
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbad{x=1} 2\n")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> PrometheusText.parse("<html>oops</html>")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> PrometheusText.parse("x{a=\"unterminated} 1")).hasMessageContaining("unterminated");
    }

    @Test
    void vllmMetricsMapToTheSnapshot() throws Exception {
        EndpointMetrics m = read("vllm", "vllm.txt");
        assertThat(m.waitingRequests()).isEqualTo(3);
        assertThat(m.runningRequests()).isEqualTo(12);
        assertThat(m.kvCacheUsage()).isEqualTo(0.4213);
        assertThat(m.loraRunning()).containsExactly("sql-lora", "tweet-lora");
        assertThat(m.loraWaiting()).containsExactly("x-lora");
        assertThat(m.maxLora()).isEqualTo(4);
        assertThat(m.blockSize()).isEqualTo(16);
        assertThat(m.numGpuBlocks()).isEqualTo(27971);
        assertThat(m.prefixCacheQueries()).isEqualTo(123456);
        assertThat(m.prefixCacheHits()).isEqualTo(100000);
        assertThat(m.failed()).isFalse();
    }

    @Test
    void olderVllmFallsBackToGpuCacheUsage() throws Exception {
        assertThat(read("vllm", "vllm-v0.txt").kvCacheUsage()).isEqualTo(0.25);
    }

    @Test
    void sglangAndTritonTensorRtLlmNamesAreRead() throws Exception {
        EndpointMetrics s = read("sglang", "sglang.txt");
        assertThat(s.waitingRequests()).isEqualTo(2);
        assertThat(s.runningRequests()).isEqualTo(7);
        assertThat(s.kvCacheUsage()).isEqualTo(0.61);
        EndpointMetrics t = read("trtllm", "trtllm.txt");
        assertThat(t.waitingRequests()).isEqualTo(4);
        assertThat(t.runningRequests()).isEqualTo(9);
        assertThat(t.kvCacheUsage()).isEqualTo(0.33);
    }

    @Test
    void metricsOfAnotherEngineAreAnError() {
        assertThatThrownBy(() -> read("sglang", "vllm.txt")).hasMessageContaining("sglang metrics lack");
    }
}
