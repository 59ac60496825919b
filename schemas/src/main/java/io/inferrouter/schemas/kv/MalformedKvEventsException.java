package io.inferrouter.schemas.kv;

/**
 * A KV-event payload that is not a valid {@code KVEventBatch}: bad msgpack, a wrong type, a missing
 * field. The message says where ({@code $[1][0].block_hashes[2]}) and what was expected; a
 * subscriber counts it, logs it and skips the batch.
 */
public class MalformedKvEventsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MalformedKvEventsException(String reason) {
        super("malformed KV event batch: " + reason);
    }

    public MalformedKvEventsException(String reason, Throwable cause) {
        super("malformed KV event batch: " + reason, cause);
    }
}
