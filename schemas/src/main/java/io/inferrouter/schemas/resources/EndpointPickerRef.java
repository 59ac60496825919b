package io.inferrouter.schemas.resources;

/**
 * A pool's reference to its endpoint picker: {@code extensionRef} in v1alpha2,
 * {@code endpointPickerRef} in v1. This gateway is its own picker; only {@link #failureMode()}
 * changes its behaviour, the rest is kept for display.
 *
 * @param failureMode FailClose when unset, as upstream defaults
 */
public record EndpointPickerRef(String group, String kind, String name, Integer port, FailureMode failureMode) {

    public EndpointPickerRef {
        if (failureMode == null) {
            failureMode = FailureMode.FailClose;
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("endpoint picker port must be 1-65535, was " + port);
        }
    }
}
