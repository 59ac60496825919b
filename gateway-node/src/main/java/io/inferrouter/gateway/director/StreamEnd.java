package io.inferrouter.gateway.director;

/** How relaying a streamed answer ended; anything but {@link #COMPLETE} must end in an aborted response. */
public enum StreamEnd {
    /** The model server's stream ended and the client's body was ended properly. */
    COMPLETE,
    /**
     * The model server's stream broke after the response started: the client got every whole event
     * that arrived and then an SSE error event; its body must now be aborted, not ended.
     */
    UPSTREAM_BROKEN,
    /** Writing to the client failed: it went away. */
    CLIENT_GONE
}
