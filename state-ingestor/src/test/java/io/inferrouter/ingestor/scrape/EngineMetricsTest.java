package io.inferrouter.ingestor.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.ingestor.state.ScrapeTarget;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EngineMetricsTest {

    private static EndpointMetrics read(String engineLabel, String fixture) throws Exception {
        return EngineMetrics.read(new ScrapeTarget(EndpointId.parse("llm/p:8000"), "10.0.0.1", engineLabel),
                PrometheusText.parse(Files.readString(Path.of("src/test/resources/metrics", fixture))), 900, 1_000,
                "test");
    }

    @Test
    void vllmMetricsMapToTheSnapshot() throws Exception {
        EndpointMetrics m = read("vllm", "vllm.txt");
        assertThat(m.report().engineType()).isEqualTo("vllm");
        assertThat(m.report().load().waitingRequests()).isEqualTo(3);
        assertThat(m.report().load().runningRequests()).isEqualTo(12);
        assertThat(m.report().load().kvCacheUsage()).isEqualTo(0.4213);
        assertThat(m.report().load().loraRunning()).as("the newest lora_requests_info sample wins")
                .containsExactly("sql-lora", "tweet-lora");
        assertThat(m.report().load().loraWaiting()).containsExactly("x-lora");
        assertThat(m.report().load().maxLora()).isEqualTo(4);
        assertThat(m.report().cache().blockSize()).isEqualTo(16);
        assertThat(m.report().cache().numGpuBlocks()).isEqualTo(27971);
        assertThat(m.report().cache().prefixCacheQueries()).isEqualTo(123456);
        assertThat(m.report().cache().prefixCacheHits()).isEqualTo(100000);
        assertThat(m.report().scrape().scrapeMicros()).isEqualTo(900);
        assertThat(m.report().scrape().lastSuccessAtMs()).isEqualTo(1_000);
        assertThat(m.failed()).isFalse();
    }

    @Test
    void aPodWithoutTheEngineLabelIsReadAsVllm() throws Exception {
        assertThat(read(null, "vllm.txt").report().load().runningRequests()).isEqualTo(12);
    }

    @Test
    void olderVllmFallsBackToGpuCacheUsage() throws Exception {
        EndpointMetrics m = read("vllm", "vllm-v0.txt");
        assertThat(m.report().load().kvCacheUsage()).isEqualTo(0.25);
        assertThat(m.report().cache().blockSize()).isNull();
        assertThat(m.report().load().loraRunning()).isEmpty();
        assertThat(m.report().load().maxLora()).isNull();
    }

    @Test
    void dataParallelEnginesAddQueuesAndAverageKvUsage() throws Exception {
        EndpointMetrics m = read("vllm", "vllm-dp.txt");
        assertThat(m.report().load().runningRequests()).isEqualTo(10);
        assertThat(m.report().load().waitingRequests()).isEqualTo(3);
        assertThat(m.report().load().kvCacheUsage()).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void sglangNamesAreRead() throws Exception {
        EndpointMetrics s = read("sglang", "sglang.txt");
        assertThat(s.report().engineType()).isEqualTo("sglang");
        assertThat(s.report().load().waitingRequests()).isEqualTo(2);
        assertThat(s.report().load().runningRequests()).isEqualTo(7);
        assertThat(s.report().load().kvCacheUsage()).isEqualTo(0.61);
        assertThat(s.report().cache().blockSize()).isEqualTo(1);
        assertThat(s.report().cache().numGpuBlocks()).isEqualTo(90_000);
    }

    @Test
    void trtllmServeNamesAreRead() throws Exception {
        EndpointMetrics t = read("trtllm-serve", "trtllm.txt");
        assertThat(t.report().engineType()).isEqualTo("trtllm");
        assertThat(t.report().load().waitingRequests()).isEqualTo(4);
        assertThat(t.report().load().runningRequests()).isEqualTo(9);
        assertThat(t.report().load().kvCacheUsage()).isEqualTo(0.33);
        assertThat(t.report().cache().blockSize()).isEqualTo(32);
        assertThat(t.report().cache().numGpuBlocks()).isEqualTo(9000);
    }

    @Test
    void tritonTensorRtLlmNamesAreRead() throws Exception {
        EndpointMetrics t = read("triton", "triton.txt");
        assertThat(t.report().engineType()).isEqualTo("triton");
        assertThat(t.report().load().waitingRequests()).isEqualTo(8);
        assertThat(t.report().load().runningRequests()).isEqualTo(5);
        assertThat(t.report().load().kvCacheUsage()).isEqualTo(0.75);
        assertThat(t.report().cache().blockSize()).isEqualTo(64);
        assertThat(t.report().cache().numGpuBlocks()).isEqualTo(4000);
        assertThat(read("triton-tensorrt-llm", "triton.txt").report().load().waitingRequests()).isEqualTo(8);
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
