package io.inferrouter.gateway.proxy;

/**
 * Token counts of one response: from the server's {@code usage} when it sent one, else output
 * tokens counted as streamed chunks.
 *
 * @param promptTokens null when the server did not say
 */
public record Usage(Integer promptTokens, int outputTokens) {
}
