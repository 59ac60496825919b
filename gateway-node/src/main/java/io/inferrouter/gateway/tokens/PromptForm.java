package io.inferrouter.gateway.tokens;

/** What shape a request's prompt text came in: it decides which tokenizers can reproduce the server's ids. */
public enum PromptForm {
    /** A completions {@code prompt} that is one string: the server tokenizes it as it is. */
    TEXT,
    /** A completions {@code prompt} array (several prompts, or token ids): the gateway kept its items one per line. */
    LIST,
    /** Chat {@code messages}: the gateway kept them as {@code role: content} lines; a real server renders its chat template. */
    CHAT
}
