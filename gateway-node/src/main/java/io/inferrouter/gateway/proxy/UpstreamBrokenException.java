package io.inferrouter.gateway.proxy;

import java.io.IOException;

/** Reading from the model server failed part-way. */
public final class UpstreamBrokenException extends IOException {

    private static final long serialVersionUID = 1L;

    public UpstreamBrokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
