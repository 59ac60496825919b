package io.inferrouter.schemas.metrics;

import java.util.Objects;

/**
 * What one scrape of an engine said, without the endpoint's identity: the engine's kind, its load,
 * its KV cache and the facts of the scrape. An endpoint row carries this beside its own identity and
 * address, so neither is carried twice.
 *
 * @param engineType vllm, sglang, trtllm or triton (which metric names were read)
 * @param load       queue, batch, KV-cache use, LoRA adapters ({@link EngineLoad#UNKNOWN} after a failure)
 * @param cache      KV-cache shape and prefix-cache counters
 * @param scrape     when, by whom, how long, whether it failed
 */
public record EngineReport(String engineType, EngineLoad load, CacheGeometry cache, ScrapeFacts scrape) {

    public static final String DEFAULT_ENGINE = "vllm";

    public EngineReport {
        engineType = engineType == null ? DEFAULT_ENGINE : engineType;
        load = load == null ? EngineLoad.UNKNOWN : load;
        cache = cache == null ? CacheGeometry.UNKNOWN : cache;
        Objects.requireNonNull(scrape, "scrape facts are required");
    }

    /** A successful scrape. */
    public static EngineReport scraped(String engineType, EngineLoad load, CacheGeometry cache, long scrapeMicros,
                                       long observedAtMs, String source) {
        return new EngineReport(engineType, load, cache, ScrapeFacts.succeeded(scrapeMicros, observedAtMs, source));
    }

    /** A failed scrape: no load values, only the reason and when the last success was. */
    public static EngineReport failed(String engineType, String error, long scrapeMicros, long lastSuccessAtMs,
                                      long observedAtMs, String source) {
        return new EngineReport(engineType, EngineLoad.UNKNOWN, CacheGeometry.UNKNOWN,
                ScrapeFacts.failed(error, scrapeMicros, lastSuccessAtMs, observedAtMs, source));
    }

    /**
     * This report, but when it is a failure, with the load and cache values of {@code lastGood} (the
     * previous report) and the later of the two last-success times: a failed scrape says nothing new
     * about the load, and {@code lastSuccessAtMs} tells a reader how old the kept values are.
     */
    public EngineReport withLastGood(EngineReport lastGood) {
        if (!failed() || lastGood == null) {
            return this;
        }
        return new EngineReport(engineType, lastGood.load, lastGood.cache, new ScrapeFacts(scrape.scrapeMicros(),
                scrape.error(), Math.max(scrape.lastSuccessAtMs(), lastGood.scrape.lastSuccessAtMs()),
                scrape.observedAtMs(), scrape.source()));
    }

    public boolean failed() {
        return scrape.failed();
    }

    public long observedAtMs() {
        return scrape.observedAtMs();
    }
}
