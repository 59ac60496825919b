package io.inferrouter.stream.query;

/** A query cannot be answered completely right now (rebalancing, restoring, an owner unreachable): 503. */
public final class QueryUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public QueryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
