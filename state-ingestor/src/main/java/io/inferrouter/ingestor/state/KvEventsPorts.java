package io.inferrouter.ingestor.state;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The KV-event ports an object's annotations set (a Pod's, or its InferencePool's for every member):
 * {@value #PORT_ANNOTATION} for vLLM's PUB socket ({@code --kv-events-config} {@code endpoint}) and
 * {@value #REPLAY_PORT_ANNOTATION} for its replay ROUTER ({@code replay_endpoint}). A port, or {@code 0}
 * / {@code off} to turn them off; null when the object does not say (the pool's, then the ingestor's
 * setting apply).
 *
 * @param port       the PUB port, 0 for off, null when unset
 * @param replayPort the replay port, 0 for none, null when unset
 */
public record KvEventsPorts(Integer port, Integer replayPort) {

    public static final String PORT_ANNOTATION = "inferrouter.io/kv-events-port";
    public static final String REPLAY_PORT_ANNOTATION = "inferrouter.io/kv-events-replay-port";
    public static final KvEventsPorts UNSET = new KvEventsPorts(null, null);

    public KvEventsPorts {
        check(port, PORT_ANNOTATION);
        check(replayPort, REPLAY_PORT_ANNOTATION);
    }

    /**
     * Reads the annotations; a value that is no port is reported to {@code invalid} (with the reason)
     * and counts as unset, so a typo falls back to the pool's or the default port rather than failing.
     */
    public static KvEventsPorts fromAnnotations(Map<String, String> annotations, Consumer<String> invalid) {
        if (annotations == null || annotations.isEmpty()) {
            return UNSET;
        }
        return new KvEventsPorts(port(annotations, PORT_ANNOTATION, invalid),
                port(annotations, REPLAY_PORT_ANNOTATION, invalid));
    }

    /** This object's ports where it sets them, else {@code fallback}'s. */
    public KvEventsPorts orElse(KvEventsPorts fallback) {
        return new KvEventsPorts(port != null ? port : fallback.port, replayPort != null ? replayPort : fallback.replayPort);
    }

    private static Integer port(Map<String, String> annotations, String name, Consumer<String> invalid) {
        String text = annotations.get(name);
        if (text == null) {
            return null;
        }
        String t = text.strip();
        if (t.equalsIgnoreCase("off")) {
            return 0;
        }
        try {
            int p = Integer.parseInt(t);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        invalid.accept(name + " must be a port (1-65535), 0 or off, was '" + text + "'");
        return null;
    }

    private static void check(Integer p, String what) {
        if (p != null && (p < 0 || p > 65535)) {
            throw new IllegalArgumentException(what + " must be 0-65535, was " + p);
        }
    }
}
