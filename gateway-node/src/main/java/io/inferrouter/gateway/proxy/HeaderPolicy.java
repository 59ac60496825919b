package io.inferrouter.gateway.proxy;

import java.util.Locale;
import java.util.Set;

/**
 * Which headers cross the gateway. A client can never choose the backend: every {@code x-gateway-*}
 * header it sends (destination endpoint, objective, fairness id, ...) is read by the gateway if it
 * means something to it and never forwarded. Hop-by-hop headers stay on their hop.
 */
public final class HeaderPolicy {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "trailers", "transfer-encoding", "upgrade", "proxy-connection");

    private HeaderPolicy() {
    }

    /** True when a client's request header may be sent to the model server. */
    public static boolean forwardUpstream(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !HOP_BY_HOP.contains(n) && !n.equals("host") && !n.equals("content-length")
                && !n.startsWith("x-gateway-") && !n.equals("x-request-id") && !n.equals("expect");
    }

    /** True when a model server's response header may be sent back to the client. */
    public static boolean forwardDownstream(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !HOP_BY_HOP.contains(n) && !n.equals("content-length") && !n.equals("date") && !n.equals("server")
                && !n.startsWith("x-gateway-");
    }
}
