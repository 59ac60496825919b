package io.inferrouter.bench.load;

import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.tokens.SimTokenizer;
import io.inferrouter.schemas.traces.TraceRequest;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A recorded trace as an open-loop load: request {@code i} leaves at its timestamp (from the first
 * request's, divided by {@code speed}) with a prompt made from its block ids, so that the prefixes the
 * trace shares are shared on the wire too.
 *
 * <p>Each id expands deterministically to a block of words of {@link Text}'s kind (three letters and a
 * space, one token to the simulated pods' tokenizer), so equal ids make equal text and different ids
 * different text. The prompt goes as one user message; the pods' chat template puts
 * {@link #CHAT_TEMPLATE_TOKENS} tokens ({@code "user: "}) before it, and those count as the start of
 * block 0, so that the pod counts exactly {@code input_length} prompt tokens and block {@code k} of the
 * trace is tokens {@code [k*block, (k+1)*block)} of what the pod caches. Tokens past the last id's
 * block are words unique to the request. A prompt shorter than the template's tokens sends no text
 * (the pod then counts the template's tokens).
 *
 * <p>{@code tokenScale} shrinks (or grows) every block, prompt and answer by the same factor, which
 * keeps the trace's sharing while fitting a smaller simulated KV cache; at 1 the lengths are the
 * trace's. The model is the fleet's for every request: the simulated fleet serves one.
 */
public final class TraceReplay {

    /** Tokens the simulated pods' chat template puts before a lone user message's content. */
    public static final int CHAT_TEMPLATE_TOKENS = SimTokenizer.encode(SimTokenizer.chatPrompt(
            Json.mapper().createObjectNode().set("messages", Json.mapper().createArrayNode()
                    .add(Json.mapper().createObjectNode().put("role", "user").put("content", ""))))).length;

    /** Salt of the generators of requests' own tail words, apart from the blocks' generators. */
    private static final long TAIL_SALT = 0x5DEECE66DL;

    private final List<TraceRequest> requests;
    private final double speed;
    private final double tokenScale;
    private final String model;

    /**
     * @param requests   the trace, ordered by timestamp (as {@code MooncakeTrace.read} returns it), not empty
     * @param speed      how much faster than recorded to send: 2 halves every gap; > 0
     * @param tokenScale factor on every block, prompt and answer length; > 0
     * @param model      the model every request asks for
     */
    public TraceReplay(List<TraceRequest> requests, double speed, double tokenScale, String model) {
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("the trace has no requests");
        }
        if (!(speed > 0) || !(tokenScale > 0)) {
            throw new IllegalArgumentException("trace speed and token scale must be positive, were " + speed + " and "
                    + tokenScale);
        }
        for (int i = 1; i < requests.size(); i++) {
            if (requests.get(i).timestampMs() < requests.get(i - 1).timestampMs()) {
                throw new IllegalArgumentException("the trace is not ordered by timestamp at request " + i);
            }
        }
        this.requests = List.copyOf(requests);
        this.speed = speed;
        this.tokenScale = tokenScale;
        this.model = model;
    }

    public int size() {
        return requests.size();
    }

    /** When request {@code i} leaves, in ns after the first request. */
    public long offsetNanos(int i) {
        return Math.round((requests.get(i).timestampMs() - requests.get(0).timestampMs()) * 1e6 / speed);
    }

    /** From the first request's send to the last one's, in seconds, as replayed. */
    public double spanSeconds() {
        return offsetNanos(requests.size() - 1) / 1e9;
    }

    /** Requests per second over the replayed span; the request count when the span is zero. */
    public double meanRate() {
        double span = spanSeconds();
        return span > 0 ? requests.size() / span : requests.size();
    }

    /** Prompt tokens of request {@code i} as sent (the trace's, scaled). */
    public int inputTokens(int i) {
        return scaled(requests.get(i).inputLength(), 0);
    }

    /** Answer tokens asked for request {@code i} (the trace's, scaled, at least 1). */
    public int outputTokens(int i) {
        return scaled(requests.get(i).outputLength(), 1);
    }

    /**
     * Request {@code i}: its prompt as one user message, its output length as {@code max_tokens}, and
     * its first block id as its group ({@code "none"} without ids), which names its shared prefix.
     */
    public RequestSpec spec(int i) {
        TraceRequest r = requests.get(i);
        return new RequestSpec(model, "", prompt(i), outputTokens(i), r.blocks() == 0 ? "none" : "h" + r.hashId(0));
    }

    /** The text of request {@code i}'s user message; see the class comment. */
    public String prompt(int i) {
        TraceRequest r = requests.get(i);
        int block = Math.max(1, (int) Math.round(r.blockTokens() * tokenScale));
        int input = inputTokens(i);
        StringBuilder b = new StringBuilder(Math.max(0, input - CHAT_TEMPLATE_TOKENS) * 4);
        for (int k = 0; k < r.blocks(); k++) {
            long start = (long) k * block;
            int from = (int) Math.max(start, CHAT_TEMPLATE_TOKENS);
            int to = (int) Math.min(start + block, input);
            if (from < to) {
                b.append(blockWords(r.hashId(k), to - (int) start), (int) (from - start) * 4, (int) (to - start) * 4);
            }
        }
        int tail = (int) Math.max((long) r.blocks() * block, CHAT_TEMPLATE_TOKENS);
        if (tail < input) {
            b.append(Text.words(new SplittableRandom(mix(i) ^ TAIL_SALT), input - tail));
        }
        return b.toString();
    }

    /**
     * The first {@code tokens} words that block id {@code id} expands to, four characters each; the
     * same for the same id, so a shorter block of an id is a prefix of a longer one.
     */
    static String blockWords(long id, int tokens) {
        return Text.words(new SplittableRandom(mix(id)), tokens);
    }

    private int scaled(int tokens, int min) {
        return Math.max(min, (int) Math.round(tokens * tokenScale));
    }

    /** Stafford's mix13, so that neighbouring ids seed unrelated generators. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
