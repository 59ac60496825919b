package io.inferrouter.sim.engine;

/** Where the engine hands a request's output. Called from the engine thread: implementations must not block. */
public interface TokenSink {

    /** Output token {@code index} (0-based) was produced at the end of a step. */
    void token(int index, String text);

    /** The request is done: all its tokens were produced. */
    void finished(int promptTokens, int cachedTokens, int outputTokens);

    /** The engine could not serve the request. */
    void failed(String reason);
}
