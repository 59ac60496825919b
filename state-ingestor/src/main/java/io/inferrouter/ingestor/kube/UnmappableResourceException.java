package io.inferrouter.ingestor.kube;

/** An object that cannot become a record at all (no name, no pool reference); counted, logged, not published. */
public final class UnmappableResourceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnmappableResourceException(String message) {
        super(message);
    }
}
