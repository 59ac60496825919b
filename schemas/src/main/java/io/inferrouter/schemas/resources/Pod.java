package io.inferrouter.schemas.resources;

import io.inferrouter.schemas.Checks;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Pod, reduced to what pool membership needs.
 *
 * @param ip             status.podIP, null until the pod has one
 * @param ready          the Ready condition is True
 * @param terminating    a deletion timestamp is set (the pod must stop getting new work)
 * @param containerPorts every declared container port
 */
public record Pod(ResourceMeta meta, String ip, Map<String, String> labels, boolean ready, boolean terminating,
                  List<Integer> containerPorts, String nodeName, List<String> validationErrors,
                  long observedAtMs, String source)
        implements KubeResource {

    public Pod {
        Objects.requireNonNull(meta, "meta is required");
        labels = Checks.map(labels);
        containerPorts = Checks.list(containerPorts);
        validationErrors = Checks.list(validationErrors);
        Checks.observedAt(observedAtMs);
        source = Checks.source(source);
    }

    /** Ready, not terminating and with an IP: the only state in which a pod may receive requests. */
    public boolean routable() {
        return ready && !terminating && ip != null && !ip.isBlank();
    }
}
