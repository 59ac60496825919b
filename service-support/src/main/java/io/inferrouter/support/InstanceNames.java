package io.inferrouter.support;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * Default names for a service instance where it must be unique among its replicas and should stay
 * the same across its restarts (a gateway's node id, routing-stream's static group membership, the
 * ingestor's Lease identity): the pod's name, which Kubernetes and Docker put in {@code HOSTNAME},
 * else this host and process, which is unique but changes with every start.
 */
public final class InstanceNames {

    private InstanceNames() {
    }

    /** {@code $HOSTNAME}, else {@code <service>-<host>-<pid>}. */
    public static String podOr(String service) {
        return podOr(service, System.getenv());
    }

    static String podOr(String service, Map<String, String> env) {
        String pod = env.get("HOSTNAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return service + "-" + host + "-" + ProcessHandle.current().pid();
    }
}
