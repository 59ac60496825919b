package io.inferrouter.schemas.resources;

/** What the gateway does for a pool when its endpoint picker (here: the routing tables) is unavailable. */
public enum FailureMode {
    /** Route anyway, to any endpoint of the pool. */
    FailOpen,
    /** Reject the request (503). */
    FailClose
}
