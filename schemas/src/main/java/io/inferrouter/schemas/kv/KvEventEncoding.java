package io.inferrouter.schemas.kv;

/**
 * How the events inside a batch are written. The batch itself is always msgspec's array form
 * {@code [ts, [events...], data_parallel_rank]}, tag first or under {@code "type"}.
 */
public enum KvEventEncoding {
    /**
     * Each event a msgpack map with its tag under {@code "type"} and fields by name, defaults left
     * out: vLLM since vllm-project/vllm#42892 (v0.26 and later).
     */
    MAP,
    /**
     * Each event a msgpack array, tag first, fields by position, trailing defaults left out
     * (msgspec {@code array_like=True}): vLLM before #42892, and the form its example subscriber and
     * older routers decode.
     */
    ARRAY;

    /** {@code map} or {@code array}, any case. */
    public static KvEventEncoding parse(String text) {
        for (KvEventEncoding e : values()) {
            if (e.name().equalsIgnoreCase(text.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException("KV event encoding must be map or array, was '" + text + "'");
    }
}
