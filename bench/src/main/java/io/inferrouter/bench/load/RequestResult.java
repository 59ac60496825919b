package io.inferrouter.bench.load;

/**
 * What one streamed request measured.
 *
 * @param offsetNanos  its planned send time, from the start of its stage
 * @param lagNanos     how late it was sent against its planned arrival (the generator's own delay)
 * @param ttftNanos    send to first content chunk; -1 when none arrived
 * @param itlNanos     gaps between content chunks
 * @param e2eNanos     send to end of stream
 * @param outputTokens from the usage chunk, else content chunks counted
 * @param status       HTTP status, or 0 when the request failed without one
 * @param endpoint     the gateway's x-gateway-endpoint answer header, or the pod sent to directly
 * @param error        why it failed, or null
 * @param promptTokens the usage chunk's prompt tokens, -1 when none came
 * @param cachedTokens of those, served from the pod's prefix cache ({@code prompt_tokens_details}), -1 when unknown
 * @param via          the host:port it was sent to (a gateway replica, or a pod)
 */
public record RequestResult(String group, long offsetNanos, long lagNanos, long ttftNanos, long[] itlNanos,
                            long e2eNanos, int outputTokens, int status, String endpoint, String error,
                            int promptTokens, int cachedTokens, String via) {

    /** Without the usage's prompt and cached tokens and the target. */
    public RequestResult(String group, long offsetNanos, long lagNanos, long ttftNanos, long[] itlNanos,
                         long e2eNanos, int outputTokens, int status, String endpoint, String error) {
        this(group, offsetNanos, lagNanos, ttftNanos, itlNanos, e2eNanos, outputTokens, status, endpoint, error, -1, -1,
                null);
    }

    public boolean ok() {
        return status == 200 && error == null && ttftNanos >= 0;
    }

    /** Time per output token after the first (TPOT); -1 when fewer than two tokens came. */
    public double tpotNanos() {
        return outputTokens > 1 ? (double) (e2eNanos - ttftNanos) / (outputTokens - 1) : -1;
    }

    /** Normalized time per output token, end-to-end time over output tokens; -1 when none came. */
    public double normalizedNanosPerToken() {
        return outputTokens > 0 ? (double) e2eNanos / outputTokens : -1;
    }

    /** Mean inter-token gap; -1 when fewer than two tokens came. */
    public double itlMeanNanos() {
        if (itlNanos.length == 0) {
            return -1;
        }
        double sum = 0;
        for (long g : itlNanos) {
            sum += g;
        }
        return sum / itlNanos.length;
    }
}
