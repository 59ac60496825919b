package io.inferrouter.gateway.api;

import io.helidon.webserver.CloseConnectionException;
import io.inferrouter.gateway.director.StreamEnd;

/**
 * Aborts a streamed response that has started, so that HTTP itself shows it is incomplete: no
 * terminating chunk, the connection closed. curl, the JDK client, proxies and access logs then see a
 * cut body instead of a clean 200. Thrown by the adapter after the director has written the stream's
 * SSE error event (or when the client went away), with the response's output stream left unclosed.
 *
 * <p>Why a {@link CloseConnectionException}: Helidon 4's routing lets it through untouched (no error
 * handler runs, and none could answer once the head is out), its connection handler logs it at TRACE
 * and closes the socket without writing the last chunk. Any other exception thrown after the head is
 * out ends the same way but is logged as a WARNING with its stack trace, once per request (model-sim's
 * drop drill shows that path). gateway-node serves HTTP/1.1 only; over HTTP/2 the equivalent is a
 * stream reset.
 */
public final class StreamAbortedException extends CloseConnectionException {

    private static final long serialVersionUID = 1L;

    StreamAbortedException(String requestId, StreamEnd end) {
        super("streamed response aborted requestId=" + requestId + " end=" + end);
    }

    /** An expected end of a request, not a fault: no stack trace to fill in. */
    @Override
    public Throwable fillInStackTrace() {
        return this;
    }
}
