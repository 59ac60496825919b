package io.inferrouter.schemas.metrics;

import io.inferrouter.schemas.Checks;

/**
 * The facts of one scrape: when it finished, who made it, how long it took, whether it failed and when
 * the last one succeeded; what tells a reader how old the load values are.
 *
 * @param scrapeMicros    how long the scrape took
 * @param error           why the scrape failed, null when it succeeded
 * @param lastSuccessAtMs time of the last successful scrape of this endpoint, 0 if none yet
 * @param observedAtMs    when the scrape finished
 * @param source          the scraper that produced it
 */
public record ScrapeFacts(long scrapeMicros, String error, long lastSuccessAtMs, long observedAtMs, String source) {

    public ScrapeFacts {
        Checks.observedAt(observedAtMs);
        source = Checks.source(source);
    }

    /** A scrape that succeeded: its finish time is the last success. */
    public static ScrapeFacts succeeded(long scrapeMicros, long observedAtMs, String source) {
        return new ScrapeFacts(scrapeMicros, null, observedAtMs, observedAtMs, source);
    }

    /** A scrape that failed with {@code error}; {@code lastSuccessAtMs} is 0 when none has succeeded yet. */
    public static ScrapeFacts failed(String error, long scrapeMicros, long lastSuccessAtMs, long observedAtMs,
                                     String source) {
        return new ScrapeFacts(scrapeMicros, Checks.required(error, "scrape error"), lastSuccessAtMs, observedAtMs,
                source);
    }

    public boolean failed() {
        return error != null;
    }
}
