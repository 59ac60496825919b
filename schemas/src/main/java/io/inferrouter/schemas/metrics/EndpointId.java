package io.inferrouter.schemas.metrics;

/**
 * The id of one endpoint: one target port of one pod, written {@code namespace/pod:port}.
 * Stable across pod IP changes, so it keys metrics and endpoint rows.
 */
public record EndpointId(String namespace, String pod, int port) {

    public EndpointId {
        if (namespace == null || namespace.isBlank() || pod == null || pod.isBlank()) {
            throw new IllegalArgumentException("endpoint id needs a namespace and a pod name");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint port must be 1-65535, was " + port);
        }
    }

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

    @Override
    public String toString() {
        return namespace + "/" + pod + ":" + port;
    }
}
