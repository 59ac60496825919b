package io.inferrouter.stream.query;

/**
 * A table as of a past instant cannot be given: the pool did not exist then (404), rebuilding it would
 * read more records than allowed (422, as Prometheus answers a query that would load too many samples),
 * or it took longer than allowed (504). The message says which and what to change.
 */
public final class HistoryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;

    private HistoryException(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    static HistoryException notFound(String message) {
        return new HistoryException(404, "not_found", message);
    }

    static HistoryException tooLarge(String message) {
        return new HistoryException(422, "history_too_large", message);
    }

    static HistoryException timeout(String message) {
        return new HistoryException(504, "timeout", message);
    }

    /** The HTTP status of the answer. */
    public int status() {
        return status;
    }

    /** The error type of the answer's JSON. */
    public String type() {
        return type;
    }
}
