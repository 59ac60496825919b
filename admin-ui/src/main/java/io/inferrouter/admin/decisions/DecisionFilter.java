package io.inferrouter.admin.decisions;

import io.inferrouter.admin.api.AdminException;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.Map;
import java.util.function.Function;

/**
 * Which decisions a view or a replay wants. Every field is optional; a decision matches when it
 * matches all that are set.
 *
 * @param model    the requested or the target model, exactly
 * @param pool     the pool key ({@code namespace/name}), exactly
 * @param endpoint the chosen endpoint id, exactly
 * @param status   an HTTP status ({@code 429}), a class ({@code 2xx}, {@code 4xx}, {@code 5xx}) or
 *                 {@code error} (400 and above)
 */
public record DecisionFilter(String model, ResourceKey pool, EndpointId endpoint, String status) {

    public static final DecisionFilter ALL = new DecisionFilter(null, null, null, null);

    public DecisionFilter {
        model = blankToNull(model);
        status = blankToNull(status);
        if (status != null && !status.matches("[1-5]\\d\\d|[1-5]xx|error")) {
            throw AdminException.badRequest("status must be an HTTP status (429), a class (5xx) or 'error', was '"
                    + status + "'");
        }
    }

    /** From query parameters or a JSON object's fields of the same names; a pool or endpoint that is not an id is a 400. */
    public static DecisionFilter of(Map<String, String> fields) {
        return new DecisionFilter(fields.get("model"), id(fields, "pool", ResourceKey::parse),
                id(fields, "endpoint", EndpointId::parse), fields.get("status"));
    }

    public boolean test(RoutingDecision d) {
        if (model != null && !model.equals(d.requestedModel()) && !model.equals(d.targetModel())) {
            return false;
        }
        if (pool != null && !pool.equals(d.pool())) {
            return false;
        }
        if (endpoint != null && !endpoint.equals(d.chosenEndpoint())) {
            return false;
        }
        return status == null || statusMatches(d.outcome() == null ? 0 : d.outcome().status());
    }

    private boolean statusMatches(int s) {
        if (status.equals("error")) {
            return s >= 400;
        }
        if (status.endsWith("xx")) {
            return s / 100 == status.charAt(0) - '0';
        }
        return s == Integer.parseInt(status);
    }

    private static <T> T id(Map<String, String> fields, String field, Function<String, T> parse) {
        String text = blankToNull(fields.get(field));
        if (text == null) {
            return null;
        }
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest(field + ": " + e.getMessage());
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
