package io.inferrouter.schemas.metrics;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.Texts;

/**
 * The id of one endpoint: one target port of one pod, written {@code namespace/pod:port}.
 * Stable across pod IP changes, so it keys metrics and endpoint rows. Parsed once at the edge; its
 * JSON form is the string.
 */
public record EndpointId(String namespace, String pod, int port) implements Comparable<EndpointId> {

    public EndpointId {
        if (namespace == null || namespace.isBlank() || pod == null || pod.isBlank()) {
            throw new IllegalArgumentException("endpoint id needs a namespace and a pod name");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint port must be 1-65535, was " + port);
        }
    }

    /** The endpoint of {@code pod} (a {@code namespace/name} pod key) at {@code port}. */
    public static EndpointId of(ResourceKey pod, int port) {
        return new EndpointId(pod.namespace(), pod.name(), port);
    }

    @JsonCreator
    public static EndpointId parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("endpoint id is required");
        }
        int slash = text.indexOf('/');
        int colon = text.lastIndexOf(':');
        if (slash <= 0 || colon < slash + 2 || colon == text.length() - 1) {
            throw new IllegalArgumentException("endpoint id must be namespace/pod:port, was '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint id must end in a numeric port, was '" + text + "'", e);
        }
        return new EndpointId(text.substring(0, slash), text.substring(slash + 1, colon), port);
    }

    /** The pod's key, {@code namespace/pod}. */
    public ResourceKey podKey() {
        return ResourceKey.of(namespace, pod);
    }

    /** Orders like the text form, {@code namespace/pod:port}, the order ids had as strings. */
    @Override
    public int compareTo(EndpointId other) {
        int c = Texts.compareSegment(namespace, other.namespace, '/');
        if (c == 0) {
            c = Texts.compareSegment(pod, other.pod, ':');
        }
        // Ports differ only between endpoints of one pod: rare enough to compare as text.
        return c != 0 ? c : Integer.toString(port).compareTo(Integer.toString(other.port));
    }

    @JsonValue
    @Override
    public String toString() {
        return namespace + "/" + pod + ":" + port;
    }
}
