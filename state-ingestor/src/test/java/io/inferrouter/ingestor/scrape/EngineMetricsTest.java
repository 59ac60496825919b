package io.inferrouter.ingestor.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.ingestor.state.ScrapeTarget;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EngineMetricsTest {

    private static EndpointMetrics read(String engineLabel, String fixture) throws Exception {
        return EngineMetrics.read(new ScrapeTarget("llm/p:8000", "10.0.0.1", 8000, engineLabel),
                PrometheusText.parse(Files.readString(Path.of("src/test/resources/metrics", fixture))), 900, 1_000,
                "test");
    }

    @Test
    void vllmMetricsMapToTheSnapshot() throws Exception {
        EndpointMetrics m = read("vllm", "vllm.txt");
        assertThat(m.engineType()).isEqualTo("vllm");
        assertThat(m.waitingRequests()).isEqualTo(3);
        assertThat(m.runningRequests()).isEqualTo(12);
        assertThat(m.kvCacheUsage()).isEqualTo(0.4213);
        assertThat(m.loraRunning()).as("the newest lora_requests_info sample wins")
                .containsExactly("sql-lora", "tweet-lora");
        assertThat(m.loraWaiting()).containsExactly("x-lora");
        assertThat(m.maxLora()).isEqualTo(4);
        assertThat(m.blockSize()).isEqualTo(16);
        assertThat(m.numGpuBlocks()).isEqualTo(27971);
        assertThat(m.prefixCacheQueries()).isEqualTo(123456);
        assertThat(m.prefixCacheHits()).isEqualTo(100000);
        assertThat(m.scrapeMicros()).isEqualTo(900);
        assertThat(m.lastSuccessAtMs()).isEqualTo(1_000);
        assertThat(m.failed()).isFalse();
    }

    @Test
    void aPodWithoutTheEngineLabelIsReadAsVllm() throws Exception {
        assertThat(read(null, "vllm.txt").runningRequests()).isEqualTo(12);
    }

    @Test
    void olderVllmFallsBackToGpuCacheUsage() throws Exception {
        EndpointMetrics m = read("vllm", "vllm-v0.txt");
        assertThat(m.kvCacheUsage()).isEqualTo(0.25);
        assertThat(m.blockSize()).isNull();
        assertThat(m.loraRunning()).isEmpty();
        assertThat(m.maxLora()).isNull();
    }

    @Test
    void dataParallelEnginesAddQueuesAndAverageKvUsage() throws Exception {
        EndpointMetrics m = read("vllm", "vllm-dp.txt");
        assertThat(m.runningRequests()).isEqualTo(10);
        assertThat(m.waitingRequests()).isEqualTo(3);
        assertThat(m.kvCacheUsage()).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void sglangNamesAreRead() throws Exception {
        EndpointMetrics s = read("sglang", "sglang.txt");
        assertThat(s.engineType()).isEqualTo("sglang");
        assertThat(s.waitingRequests()).isEqualTo(2);
        assertThat(s.runningRequests()).isEqualTo(7);
        assertThat(s.kvCacheUsage()).isEqualTo(0.61);
        assertThat(s.blockSize()).isEqualTo(1);
        assertThat(s.numGpuBlocks()).isEqualTo(90_000);
    }

    @Test
    void trtllmServeNamesAreRead() throws Exception {
        EndpointMetrics t = read("trtllm-serve", "trtllm.txt");
        assertThat(t.engineType()).isEqualTo("trtllm");
        assertThat(t.waitingRequests()).isEqualTo(4);
        assertThat(t.runningRequests()).isEqualTo(9);
        assertThat(t.kvCacheUsage()).isEqualTo(0.33);
        assertThat(t.blockSize()).isEqualTo(32);
        assertThat(t.numGpuBlocks()).isEqualTo(9000);
    }

    @Test
    void tritonTensorRtLlmNamesAreRead() throws Exception {
        EndpointMetrics t = read("triton", "triton.txt");
        assertThat(t.engineType()).isEqualTo("triton");
        assertThat(t.waitingRequests()).isEqualTo(8);
        assertThat(t.runningRequests()).isEqualTo(5);
        assertThat(t.kvCacheUsage()).isEqualTo(0.75);
        assertThat(t.blockSize()).isEqualTo(64);
        assertThat(t.numGpuBlocks()).isEqualTo(4000);
        assertThat(read("triton-tensorrt-llm", "triton.txt").waitingRequests()).isEqualTo(8);
    }

    @Test
    void metricsOfAnotherEngineAreAnErrorNamingWhatIsMissing() {
        assertThatThrownBy(() -> read("sglang", "vllm.txt")).isInstanceOf(PrometheusText.MetricsFormatException.class)
                .hasMessageContaining("sglang metrics lack queue, running requests, KV-cache usage");
        assertThatThrownBy(() -> read("triton", "trtllm.txt")).hasMessageContaining("triton metrics lack");
    }

    @Test
    void engineLabelsNormalizeAndUnknownOnesAreNotGuessed() {
        assertThat(EngineType.of("SGLang")).contains(EngineType.SGLANG);
        assertThat(EngineType.of("trtllm")).contains(EngineType.TRTLLM);
        assertThat(EngineType.of("")).contains(EngineType.VLLM);
        assertThat(EngineType.of("tgi")).isEmpty();
        assertThat(EngineType.orDefault("tgi")).isEqualTo(EngineType.VLLM);
    }
}
