package io.inferrouter.schemas.resources;

import io.inferrouter.schemas.Checks;

/**
 * A reference from a model, objective or rewrite to the InferencePool it belongs to,
 * in the referrer's namespace.
 *
 * @param group API group of the pool; null means the referrer's own group
 * @param kind  {@code InferencePool} unless set
 */
public record PoolRef(String group, String kind, String name) {

    public PoolRef {
        kind = kind == null ? "InferencePool" : kind;
        name = Checks.required(name, "poolRef.name");
    }

    public static PoolRef named(String name) {
        return new PoolRef(null, null, name);
    }

    /** The pool's record key when the referrer lives in {@code namespace}. */
    public ResourceKey poolKey(String namespace) {
        return new ResourceKey(namespace, name);
    }
}
