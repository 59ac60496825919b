package io.inferrouter.admin.whatif;

import io.inferrouter.schemas.traces.TraceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic trace windows for the replay's tests and measurements: BENCHMARKS.md's shared-prefix
 * workload (W2) in the trace form, as the routing-quality benchmark runs it scaled by 0.25: groups
 * of requests share a system prompt (named by block ids), each adds a question of its own (tokens no
 * id covers) and asks for a fixed number of output tokens; Poisson arrivals.
 */
final class Traces {

    private Traces() {
    }

    /**
     * @param groups         shared system prompts
     * @param systemTokens   tokens of each system prompt
     * @param questionTokens tokens unique to each request
     * @param outputTokens   tokens asked for
     * @param blockTokens    tokens one id names
     * @param rate           mean arrivals per second
     * @param seconds        window length
     */
    static List<TraceRequest> sharedPrefix(int groups, int systemTokens, int questionTokens, int outputTokens,
                                           int blockTokens, double rate, double seconds, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int systemBlocks = (systemTokens + blockTokens - 1) / blockTokens;
        List<TraceRequest> out = new ArrayList<>();
        double t = 0;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) / rate;
            if (t >= seconds) {
                return out;
            }
            int g = random.nextInt(groups);
            long[] ids = new long[systemBlocks];
            for (int b = 0; b < systemBlocks; b++) {
                ids[b] = (long) g * 10_000 + b;
            }
            out.add(new TraceRequest(Math.round(t * 1000), null, systemTokens + questionTokens, outputTokens, ids,
                    blockTokens));
        }
    }

    /** The routing-quality benchmark's W2 at token scale 0.25: 512-token system prompts, 64-token questions/answers. */
    static List<TraceRequest> w2(int groups, double rate, double seconds, long seed) {
        return sharedPrefix(groups, 512, 64, 64, 64, rate, seconds, seed);
    }
}
