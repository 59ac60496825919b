package io.inferrouter.schemas.traces;

/**
 * A line of a trace file is not a request the format allows. The message names the file, the
 * 1-based line and what is wrong, so that whoever runs a published trace can fix or drop that line;
 * {@link #source()} and {@link #line()} give the same for a user interface.
 */
public final class MalformedTraceException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;

    public MalformedTraceException(String source, int line, String problem, Throwable cause) {
        super(source + " line " + line + ": " + problem, cause);
        this.source = source;
        this.line = line;
    }

    /** The file (or other source) the line came from. */
    public String source() {
        return source;
    }

    /** The line's number, counting from 1, blank lines included. */
    public int line() {
        return line;
    }
}
