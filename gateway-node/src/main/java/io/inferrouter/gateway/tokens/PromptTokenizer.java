package io.inferrouter.gateway.tokens;

/**
 * Turns a request's prompt into the token ids its model server computes, so that the gateway can
 * hash the same KV-cache blocks the server caches. One instance per tokenizer, shared by every
 * request: implementations are thread-safe, do no I/O and take no lock (everything they need is
 * loaded when the gateway starts).
 */
public interface PromptTokenizer {

    /** How the configuration names it: {@code sim} or {@code hf:<path>}. */
    String spec();

    /**
     * The leading token ids the server computes for this prompt, at most {@code maxTokens} of them;
     * null when this tokenizer cannot know them (a chat request for a tokenizer without the model's chat
     * template). When {@code cut} is true the text is only the start of the prompt: ids that text
     * beyond the cut could change (the last words) are left out, so the result is always a prefix of
     * the server's ids.
     */
    int[] tokenize(String text, PromptForm form, boolean cut, int maxTokens);
}
