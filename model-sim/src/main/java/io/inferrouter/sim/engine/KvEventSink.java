package io.inferrouter.sim.engine;

import io.inferrouter.schemas.kv.KvEventBatch;

/**
 * Where the engine hands the KV-cache events of each step that had any, as one batch (vLLM's
 * scheduler publishes one {@code KVEventBatch} per step). Called on the engine thread: must not block.
 */
public interface KvEventSink {

    /** Events off: the engine does not even build them. */
    KvEventSink NONE = batch -> {
    };

    void publish(KvEventBatch batch);
}
