package io.inferrouter.schemas.resources;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * The identity of one namespaced Kubernetes object, written {@code namespace/name}: the record key
 * of every resource topic and of the pool, model, objective, rewrite and route tables. Parsed once
 * at the edge (a topic key, a URL, a reference); its JSON form is the string.
 *
 * <p>The namespace ends at the first '/'. A name never contains one in Kubernetes, but a reference
 * (a poolRef, a backendRef) may be written with one: such a key is kept as written and simply names
 * no object, so it never resolves.
 *
 * @param namespace the object's namespace (non-blank, no '/')
 * @param name      the object's name (non-blank)
 */
public record ResourceKey(String namespace, String name) implements Comparable<ResourceKey> {

    public ResourceKey {
        ResourceMeta.requireName(namespace, "namespace");
        Objects.requireNonNull(name, "name is required");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must be non-blank: '" + name + "'");
        }
    }

    public static ResourceKey of(String namespace, String name) {
        return new ResourceKey(namespace, name);
    }

    /** Reads {@code namespace/name}; anything else is an IllegalArgumentException that quotes the text. */
    @JsonCreator
    public static ResourceKey parse(String text) {
        Objects.requireNonNull(text, "resource key is required");
        if (!isValid(text)) {
            throw new IllegalArgumentException("resource key must be namespace/name, was '" + text + "'");
        }
        int slash = text.indexOf('/');
        return new ResourceKey(text.substring(0, slash), text.substring(slash + 1));
    }

    /** True for text that {@link #parse} accepts. */
    public static boolean isValid(String text) {
        if (text == null) {
            return false;
        }
        int slash = text.indexOf('/');
        return slash > 0 && slash < text.length() - 1 && !text.substring(0, slash).isBlank()
                && !text.substring(slash + 1).isBlank();
    }

    /** Another object of the same namespace. */
    public ResourceKey sibling(String otherName) {
        return new ResourceKey(namespace, otherName);
    }

    /** The prefix that selects every key of one namespace in a store sorted by the string form. */
    public static String namespacePrefix(String namespace) {
        return namespace + "/";
    }

    /**
     * Orders like the text form, {@code namespace/name} (the order the Gateway API breaks ties by, and
     * the order keys had as strings), without building it.
     */
    @Override
    public int compareTo(ResourceKey other) {
        int c = Texts.compareSegment(namespace, other.namespace, '/');
        return c != 0 ? c : name.compareTo(other.name);
    }

    @JsonValue
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
