package io.inferrouter.ingestor.scrape;

import io.inferrouter.ingestor.state.ScrapeTarget;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.metrics.EngineLoad;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads the load of one model server from its parsed metrics, by {@link EngineType}: queue, running
 * requests and KV-cache usage (required: without them the scrape is a failure), LoRA adapters, cache
 * geometry and prefix-cache counters (optional). Queue and running counts are summed over the series
 * (several models or data-parallel engines in one server); KV-cache usage is their mean. A block size
 * below 1 says nothing about the cache and is read as not reported.
 */
public final class EngineMetrics {

    private EngineMetrics() {
    }

    public static EndpointMetrics read(ScrapeTarget t, PrometheusText.Exposition metrics, long scrapeMicros, long nowMs,
                                       String source) {
        EngineType engine = EngineType.orDefault(t.engineType());
        List<PrometheusText.Sample> s = metrics.samples();
        Double waiting;
        Double running;
        Double kv;
        Integer blockSize = null;
        Integer numBlocks = null;
        switch (engine) {
            case SGLANG -> {
                waiting = sum(s, "sglang:num_queue_reqs", Map.of());
                running = sum(s, "sglang:num_running_reqs", Map.of());
                kv = mean(s, "sglang:token_usage", Map.of());
                PrometheusText.Sample cache = latest(s, "sglang:cache_config_info");
                if (cache != null) {
                    blockSize = integer(cache.labels().get("page_size"));
                    numBlocks = integer(cache.labels().get("num_pages"));
                }
            }
            case TRTLLM -> {
                waiting = sum(s, "trtllm_num_requests_waiting", Map.of());
                running = sum(s, "trtllm_num_requests_running", Map.of());
                kv = mean(s, "trtllm_kv_cache_utilization", Map.of());
                blockSize = gaugeInt(s, "trtllm_kv_cache_tokens_per_block", Map.of());
                numBlocks = gaugeInt(s, "trtllm_kv_cache_max_blocks", Map.of());
            }
            case TRITON -> {
                waiting = sum(s, "nv_trt_llm_request_metrics", Map.of("request_type", "waiting"));
                running = sum(s, "nv_trt_llm_request_metrics", Map.of("request_type", "scheduled"));
                kv = mean(s, "nv_trt_llm_kv_cache_block_metrics", Map.of("kv_cache_block_type", "fraction"));
                blockSize = gaugeInt(s, "nv_trt_llm_kv_cache_block_metrics", Map.of("kv_cache_block_type", "tokens_per"));
                numBlocks = gaugeInt(s, "nv_trt_llm_kv_cache_block_metrics", Map.of("kv_cache_block_type", "max"));
            }
            default -> {
                waiting = sum(s, "vllm:num_requests_waiting", Map.of());
                running = sum(s, "vllm:num_requests_running", Map.of());
                kv = mean(s, "vllm:kv_cache_usage_perc", Map.of());
                if (kv == null) {
                    kv = mean(s, "vllm:gpu_cache_usage_perc", Map.of());
                }
                PrometheusText.Sample cache = latest(s, "vllm:cache_config_info");
                if (cache != null) {
                    blockSize = integer(cache.labels().get("block_size"));
                    numBlocks = integer(cache.labels().get("num_gpu_blocks"));
                }
            }
        }
        if (waiting == null || running == null || kv == null) {
            List<String> missing = new ArrayList<>();
            if (waiting == null) {
                missing.add("queue");
            }
            if (running == null) {
                missing.add("running requests");
            }
            if (kv == null) {
                missing.add("KV-cache usage");
            }
            throw new PrometheusText.MetricsFormatException("the " + engine.id() + " metrics lack " + String.join(", ",
                    missing) + " (is the pod label " + EngineType.LABEL + " right?)");
        }
        PrometheusText.Sample lora = engine == EngineType.VLLM ? latest(s, "vllm:lora_requests_info") : null;
        Double queries = engine == EngineType.VLLM ? sum(s, "vllm:prefix_cache_queries_total", Map.of()) : null;
        Double hits = engine == EngineType.VLLM ? sum(s, "vllm:prefix_cache_hits_total", Map.of()) : null;
        EngineLoad load = new EngineLoad((int) Math.round(waiting), (int) Math.round(running), Math.max(0, kv),
                lora == null ? List.of() : list(lora.labels().get("running_lora_adapters")),
                lora == null ? List.of() : list(lora.labels().get("waiting_lora_adapters")),
                lora == null ? null : integer(lora.labels().get("max_lora")));
        CacheGeometry cache = new CacheGeometry(blockSize, numBlocks,
                queries == null ? null : queries.longValue(), hits == null ? null : hits.longValue());
        return EndpointMetrics.scraped(t.endpoint(), t.address(), t.port(), engine.id(), load, cache, scrapeMicros,
                nowMs, source);
    }

    /** The sum over the finite samples of {@code name} whose labels include {@code match}; null when there are none. */
    static Double sum(List<PrometheusText.Sample> samples, String name, Map<String, String> match) {
        double[] totalAndCount = totalAndCount(samples, name, match);
        return totalAndCount[1] == 0 ? null : totalAndCount[0];
    }

    /** The mean over the finite samples of {@code name} whose labels include {@code match}; null when there are none. */
    static Double mean(List<PrometheusText.Sample> samples, String name, Map<String, String> match) {
        double[] totalAndCount = totalAndCount(samples, name, match);
        return totalAndCount[1] == 0 ? null : totalAndCount[0] / totalAndCount[1];
    }

    private static double[] totalAndCount(List<PrometheusText.Sample> samples, String name, Map<String, String> match) {
        double total = 0;
        int found = 0;
        for (PrometheusText.Sample s : samples) {
            if (matches(s, name, match)) {
                total += s.value();
                found++;
            }
        }
        return new double[] {total, found};
    }

    private static boolean matches(PrometheusText.Sample s, String name, Map<String, String> match) {
        return s.name().equals(name) && Double.isFinite(s.value()) && s.labels().entrySet().containsAll(match.entrySet());
    }

    private static Integer gaugeInt(List<PrometheusText.Sample> samples, String name, Map<String, String> match) {
        for (PrometheusText.Sample s : samples) {
            if (matches(s, name, match) && s.value() >= 0 && s.value() <= Integer.MAX_VALUE) {
                return (int) Math.round(s.value());
            }
        }
        return null;
    }

    /** vLLM writes info gauges whose value is a timestamp: the newest sample is the current state. */
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
