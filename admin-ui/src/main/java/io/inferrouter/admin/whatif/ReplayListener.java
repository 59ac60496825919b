package io.inferrouter.admin.whatif;

import io.inferrouter.gateway.scheduler.Decision;

/**
 * Told of every scheduling decision a replay makes, as it makes it (on the replay's thread), with
 * the endpoints as the scheduler saw them: their reports (the last scrape visible then) and their
 * live in-flight counts (read them in the call; they move on afterwards). For a decision log of the
 * what-if, or a test of what the scheduler saw.
 */
@FunctionalInterface
public interface ReplayListener {

    ReplayListener NONE = (request, nowMs, decision) -> { };

    /**
     * @param request  the request's position in the trace
     * @param nowMs    the scheduler's clock at the decision (virtual, epoch-like ms; the reports'
     *                 {@code observedAtMs} are on the same clock)
     * @param decision the scheduler's ranking; its first endpoint served the request
     */
    void decided(int request, long nowMs, Decision decision);
}
