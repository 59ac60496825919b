package io.inferrouter.gateway.tokens;

import io.inferrouter.schemas.tokens.SimTokenizer;

/**
 * The simulated fleet's tokenizer ({@link SimTokenizer}, shared with model-sim). The gateway keeps a
 * chat request's messages and a prompt array as the text the simulator builds from them, so every
 * form is tokenized as the simulator does.
 */
public final class SimPromptTokenizer implements PromptTokenizer {

    public static final String SPEC = "sim";

    @Override
    public String spec() {
        return SPEC;
    }

    @Override
    public int[] tokenize(String text, PromptForm form, boolean cut, int maxTokens) {
        if (!cut || text.isEmpty() || Character.isWhitespace(text.charAt(text.length() - 1))) {
            return SimTokenizer.encode(text, maxTokens);
        }
        // The last word may go on beyond the cut: its last piece is not final.
        int[] ids = SimTokenizer.encode(text, maxTokens == Integer.MAX_VALUE ? maxTokens : maxTokens + 1);
        int lastFinal = ids.length - 1;
        return java.util.Arrays.copyOf(ids, Math.min(maxTokens, Math.max(0, lastFinal)));
    }
}
