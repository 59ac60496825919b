package io.inferrouter.schemas.resources;

import java.util.Objects;

/**
 * Identity and version of a Kubernetes object, as carried by every resource event.
 *
 * @param namespace       the object's namespace (never blank)
 * @param name            the object's name (never blank)
 * @param uid             the object's UID, or null when read from a file
 * @param resourceVersion the API server's resource version, or null when read from a file
 * @param generation      metadata.generation, 0 when unknown
 * @param createdAtMs     creationTimestamp in epoch milliseconds, 0 when unknown; decides
 *                        which InferenceModel keeps a contested modelName (the oldest wins)
 */
public record ResourceMeta(String namespace, String name, String uid, String resourceVersion,
                           long generation, long createdAtMs) {

    public ResourceMeta {
        requireName(namespace, "namespace");
        requireName(name, "name");
    }

    public static ResourceMeta of(String namespace, String name) {
        return new ResourceMeta(namespace, name, null, null, 0, 0);
    }

    /** The stable record key of this object on its topic: {@code namespace/name}. */
    public ResourceKey key() {
        return new ResourceKey(namespace, name);
    }

    public static void requireName(String value, String what) {
        Objects.requireNonNull(value, () -> what + " is required");
        if (value.isBlank() || value.contains("/")) {
            throw new IllegalArgumentException(what + " must be non-blank and contain no '/': '" + value + "'");
        }
    }
}
