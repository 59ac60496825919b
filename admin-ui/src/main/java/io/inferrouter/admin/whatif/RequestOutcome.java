package io.inferrouter.admin.whatif;

/**
 * What happened to one trace request in a replay, for plots and tables. Times are virtual, from the
 * first request's arrival; latencies are NaN when they do not exist (a rejected request has none, a
 * one-token answer has no TPOT).
 *
 * @param index         the request's position in the trace, in arrival order
 * @param arrivalS      arrival, seconds after the first request's
 * @param pod           the pod the scheduler picked ({@code pod-0}, ...), or null when the request was
 *                      refused before scheduling
 * @param ttftMs        time to first token
 * @param tpotMs        time per output token after the first: (e2e - ttft) / (output tokens - 1)
 * @param e2eMs         arrival to last token
 * @param promptTokens  prompt tokens
 * @param cachedTokens  of those, found in the pod's prefix cache when it was admitted
 * @param outputTokens  tokens generated
 * @param measured      false for requests of the warm-up, which the summaries leave out
 * @param error         why the request failed (as the pod or the gateway would answer), or null
 */
public record RequestOutcome(int index, double arrivalS, String pod, double ttftMs, double tpotMs, double e2eMs,
                             int promptTokens, int cachedTokens, int outputTokens, boolean measured, String error) {

    public boolean ok() {
        return error == null;
    }
}
