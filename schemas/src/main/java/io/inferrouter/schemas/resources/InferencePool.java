package io.inferrouter.schemas.resources;

import io.inferrouter.schemas.Checks;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An InferencePool, normalized from either API version.
 *
 * <p>{@code inference.networking.k8s.io/v1}: {@code selector.matchLabels}, {@code targetPorts[].number}
 * (1-8 ports, each podIP:port is its own endpoint), {@code appProtocol}, {@code endpointPickerRef}.
 * {@code inference.networking.x-k8s.io/v1alpha2}: {@code selector} map, {@code targetPortNumber},
 * {@code extensionRef}. If both versions define the same namespace/name, the ingestor publishes the v1 one.
 *
 * @param apiVersion  the API version the object was read from
 * @param selector    pod labels that make a pod a member (all must match)
 * @param targetPorts ports on each pod; each gives one endpoint per pod
 * @param appProtocol {@code http} unless set
 * @param endpointPicker the picker reference, or null
 */
public record InferencePool(ResourceMeta meta, String apiVersion, Map<String, String> selector,
                            List<Integer> targetPorts, String appProtocol, EndpointPickerRef endpointPicker,
                            List<String> validationErrors, long observedAtMs, String source)
        implements KubeResource {

    public static final String API_V1 = "inference.networking.k8s.io/v1";
    public static final String API_V1ALPHA2 = "inference.networking.x-k8s.io/v1alpha2";

    public InferencePool {
        Objects.requireNonNull(meta, "meta is required");
        apiVersion = Checks.required(apiVersion, "apiVersion");
        selector = Checks.map(selector);
        targetPorts = Checks.list(targetPorts);
        appProtocol = appProtocol == null ? "http" : appProtocol;
        validationErrors = Checks.list(validationErrors);
        Checks.observedAt(observedAtMs);
        source = Checks.source(source);
    }

    /** FailClose unless the pool's picker reference says otherwise, as upstream defaults. */
    public FailureMode failureMode() {
        return endpointPicker == null ? FailureMode.FailClose : endpointPicker.failureMode();
    }
}
