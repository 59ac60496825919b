package io.inferrouter.ingestor.scrape;

import java.util.Locale;
import java.util.Optional;

/**
 * The model-server engines whose metric names the scraper knows, chosen per pod by the label
 * {@code inference.networking.k8s.io/engine-type} (the names follow the Gateway API Inference
 * Extension's model-server protocol and its endpoint picker's engine configurations).
 *
 * <ul>
 *   <li>{@code vllm} (also the default): {@code vllm:num_requests_waiting}, {@code vllm:num_requests_running},
 *       {@code vllm:kv_cache_usage_perc} (older vLLM: {@code vllm:gpu_cache_usage_perc}),
 *       {@code vllm:lora_requests_info}, {@code vllm:cache_config_info}, prefix-cache counters;</li>
 *   <li>{@code sglang}: {@code sglang:num_queue_reqs}, {@code sglang:num_running_reqs},
 *       {@code sglang:token_usage}, {@code sglang:cache_config_info{page_size,num_pages}};</li>
 *   <li>{@code trtllm} ({@code trtllm-serve}): {@code trtllm_num_requests_waiting},
 *       {@code trtllm_num_requests_running}, {@code trtllm_kv_cache_utilization},
 *       {@code trtllm_kv_cache_tokens_per_block}, {@code trtllm_kv_cache_max_blocks};</li>
 *   <li>{@code triton} (Triton with the TensorRT-LLM backend, also {@code triton-tensorrt-llm}):
 *       {@code nv_trt_llm_request_metrics{request_type=waiting|scheduled}},
 *       {@code nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=fraction|tokens_per|max}}.</li>
 * </ul>
 */
public enum EngineType {
    VLLM("vllm"),
    SGLANG("sglang"),
    TRTLLM("trtllm"),
    TRITON("triton");

    /** The pod label that names a pod's engine. */
    public static final String LABEL = io.inferrouter.ingestor.state.ClusterState.ENGINE_TYPE_LABEL;

    private final String id;

    EngineType(String id) {
        this.id = id;
    }

    /** The name written into {@code EndpointMetrics.engineType}. */
    public String id() {
        return id;
    }

    /** The engine a label value names; empty for an unknown value. A missing label means vLLM. */
    public static Optional<EngineType> of(String label) {
        if (label == null || label.isBlank()) {
            return Optional.of(VLLM);
        }
        return switch (label.trim().toLowerCase(Locale.ROOT)) {
            case "vllm" -> Optional.of(VLLM);
            case "sglang" -> Optional.of(SGLANG);
            case "trtllm", "trtllm-serve", "tensorrt-llm" -> Optional.of(TRTLLM);
            case "triton", "triton-tensorrt-llm", "triton-trtllm" -> Optional.of(TRITON);
            default -> Optional.empty();
        };
    }

    /** The engine for a label value, vLLM for an unknown one (the protocol's reference names). */
    public static EngineType orDefault(String label) {
        return of(label).orElse(VLLM);
    }
}
