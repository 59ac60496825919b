package io.inferrouter.ingestor.scrape;

import io.inferrouter.ingestor.state.ScrapeTarget;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads the load of one model server from its samples, by engine type, per the Gateway API
 * Inference Extension's model-server protocol: queue, running requests and KV-cache usage from
 * vLLM ({@code vllm:*}, with {@code vllm:gpu_cache_usage_perc} as the fallback for KV usage),
 * SGLang ({@code sglang:*}) or Triton TensorRT-LLM ({@code nv_trt_llm_*}); LoRA, cache configuration
 * and prefix-cache counters from vLLM.
 */
public final class EngineMetrics {

    private EngineMetrics() {
    }

    public static EndpointMetrics read(ScrapeTarget t, List<PrometheusText.Sample> samples, long scrapeMicros,
                                       long nowMs, String source) {
        Double waiting;
        Double running;
        Double kv;
        switch (t.engineType()) {
            case "sglang" -> {
                waiting = value(samples, "sglang:num_queue_reqs", Map.of());
                running = value(samples, "sglang:num_running_reqs", Map.of());
                kv = value(samples, "sglang:token_usage", Map.of());
            }
            case "trtllm", "triton" -> {
                waiting = value(samples, "nv_trt_llm_request_metrics", Map.of("request_type", "waiting"));
                running = value(samples, "nv_trt_llm_request_metrics", Map.of("request_type", "scheduled"));
                kv = value(samples, "nv_trt_llm_kv_cache_block_metrics", Map.of("kv_cache_block_type", "fraction"));
            }
            default -> {
                waiting = value(samples, "vllm:num_requests_waiting", Map.of());
                running = value(samples, "vllm:num_requests_running", Map.of());
                kv = value(samples, "vllm:kv_cache_usage_perc", Map.of());
                if (kv == null) {
                    kv = value(samples, "vllm:gpu_cache_usage_perc", Map.of());
                }
            }
        }
        if (waiting == null || running == null || kv == null) {
            throw new PrometheusText.MetricsFormatException("the " + t.engineType() + " metrics lack "
                    + (waiting == null ? "the queue " : "") + (running == null ? "the running count " : "")
                    + (kv == null ? "the KV-cache usage" : "").trim());
        }
        PrometheusText.Sample lora = latest(samples, "vllm:lora_requests_info");
        PrometheusText.Sample cache = latest(samples, "vllm:cache_config_info");
        Double queries = value(samples, "vllm:prefix_cache_queries_total", Map.of());
        Double hits = value(samples, "vllm:prefix_cache_hits_total", Map.of());
        return new EndpointMetrics(t.endpoint(), t.address(), t.port(), t.engineType(), (int) Math.round(waiting),
                (int) Math.round(running), Math.max(0, kv),
                lora == null ? List.of() : list(lora.labels().get("running_lora_adapters")),
                lora == null ? List.of() : list(lora.labels().get("waiting_lora_adapters")),
                lora == null ? null : integer(lora.labels().get("max_lora")),
                cache == null ? null : integer(cache.labels().get("block_size")),
                cache == null ? null : integer(cache.labels().get("num_gpu_blocks")),
                queries == null ? null : queries.longValue(), hits == null ? null : hits.longValue(),
                scrapeMicros, null, nowMs, nowMs, source);
    }

    /** The sum over the samples of a name whose labels include {@code match}; null when there are none. */
    static Double value(List<PrometheusText.Sample> samples, String name, Map<String, String> match) {
        double sum = 0;
        boolean found = false;
        for (PrometheusText.Sample s : samples) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(match.entrySet()) && !Double.isNaN(s.value())) {
                sum += s.value();
                found = true;
            }
        }
        return found ? sum : null;
    }

    /** vLLM writes an info gauge whose value is a timestamp: the newest sample is the current state. */
    static PrometheusText.Sample latest(List<PrometheusText.Sample> samples, String name) {
        PrometheusText.Sample best = null;
        for (PrometheusText.Sample s : samples) {
            if (s.name().equals(name) && (best == null || s.value() > best.value())) {
                best = s;
            }
        }
        return best;
    }

    private static List<String> list(String csv) {
        return csv == null || csv.isBlank() ? List.of() : Arrays.stream(csv.split(",")).map(String::trim)
                .filter(x -> !x.isEmpty()).toList();
    }

    private static Integer integer(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
