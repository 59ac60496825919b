package io.inferrouter.sim.api;

import io.inferrouter.sim.engine.Engine;
import io.inferrouter.sim.engine.EngineStats;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.engine.SimRequest;
import io.inferrouter.sim.events.KvEventCounters;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * One pod's {@code /metrics}, with vLLM's names and labels, exposed with the Prometheus Java client
 * (one registry per pod, never the global one). Gauges read the engine's last published stats.
 * The simulator's own KV-event counters are named {@code sim_kv_event_*}, apart from vLLM's names.
 */
public final class PodMetrics implements Engine.Observer {

    private static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75,
        1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
    private static final double[] ITL_BUCKETS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0,
        2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram ttft;
    private final Histogram itl;
    private final String model;

    /** @param kvEvents the pod's KV-event counts, or null when it publishes none */
    public PodMetrics(SimConfig cfg, Supplier<EngineStats> stats, java.util.function.IntSupplier waitingNow,
                      KvEventCounters kvEvents) {
        this.model = cfg.model();
        gauge("vllm:num_requests_running", "Number of requests in model execution batches.",
                () -> stats.get().running());
        gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.",
                waitingNow::getAsInt);
        gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", () -> stats.get().kvUsage());
        if (cfg.oldKvMetricName()) {
            gauge("vllm:gpu_cache_usage_perc", "GPU KV-cache usage. 1 means 100 percent usage.",
                    () -> stats.get().kvUsage());
        }
        GaugeWithCallback.builder().name("vllm:lora_requests_info").help("Running stats on lora requests.")
                .labelNames("running_lora_adapters", "waiting_lora_adapters", "max_lora")
                .callback(cb -> {
                    EngineStats s = stats.get();
                    cb.call(System.currentTimeMillis() / 1000.0, String.join(",", s.loraRunning()),
                            String.join(",", s.loraWaiting()), Integer.toString(cfg.maxLoras()));
                }).register(registry);
        GaugeWithCallback.builder().name("vllm:cache_config_info").help("Information of the LLMEngine CacheConfig.")
                .labelNames("block_size", "num_gpu_blocks", "enable_prefix_caching")
                .callback(cb -> cb.call(1, Integer.toString(cfg.blockSize()), Integer.toString(cfg.numGpuBlocks()), "True"))
                .register(registry);
        counter("vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens.",
                () -> stats.get().prefixQueries());
        counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.",
                () -> stats.get().prefixHits());
        counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.",
                () -> stats.get().preemptions());
        if (kvEvents != null) {
            counter("sim_kv_event_batches_published", "KV event batches sent on the pod's ZMQ PUB socket.",
                    kvEvents::published);
            counter("sim_kv_event_batches_dropped", "KV event batches dropped because the publisher queue was full.",
                    kvEvents::dropped);
            counter("sim_kv_event_replays", "KV event replay requests answered.", kvEvents::replays);
        }
        ttft = Histogram.builder().name("vllm:time_to_first_token_seconds").help("Histogram of time to first token in seconds.")
                .labelNames("model_name").classicOnly().classicUpperBounds(TTFT_BUCKETS).register(registry);
        itl = Histogram.builder().name("vllm:inter_token_latency_seconds").help("Histogram of inter-token latency in seconds.")
                .labelNames("model_name").classicOnly().classicUpperBounds(ITL_BUCKETS).register(registry);
    }

    @Override
    public void firstToken(long ttftNanos) {
        ttft.labelValues(model).observe(ttftNanos / 1e9);
    }

    @Override
    public void interToken(long nanos) {
        itl.labelValues(model).observe(nanos / 1e9);
    }

    @Override
    public void finished(SimRequest r) {
        // Latencies are observed per token; nothing more to record per request.
    }

    /** The Prometheus text exposition of every metric. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void gauge(String name, String help, Supplier<Number> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("model_name")
                .callback(cb -> cb.call(value.get().doubleValue(), model)).register(registry);
    }

    private void counter(String name, String help, Supplier<Number> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("model_name")
                .callback(cb -> cb.call(value.get().doubleValue(), model)).register(registry);
    }
}
