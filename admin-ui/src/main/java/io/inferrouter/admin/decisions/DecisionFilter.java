package io.inferrouter.admin.decisions;

import io.inferrouter.admin.api.AdminException;
import io.inferrouter.schemas.decisions.RoutingDecision;
import java.util.Map;

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
public record DecisionFilter(String model, String pool, String endpoint, String status) {

    public static final DecisionFilter ALL = new DecisionFilter(null, null, null, null);

    public DecisionFilter {
        model = blankToNull(model);
        pool = blankToNull(pool);
        endpoint = blankToNull(endpoint);
        status = blankToNull(status);
        if (status != null && !status.matches("[1-5]\\d\\d|[1-5]xx|error")) {
            throw AdminException.badRequest("status must be an HTTP status (429), a class (5xx) or 'error', was '"
                    + status + "'");
        }
    }

    /**
     * From query parameters or a JSON object's fields of the same names. Pool and endpoint are matched as
     * the text of the ids ({@code namespace/name}, {@code namespace/pod:port}): a filter is what a user
     * typed, so one that is no id simply matches nothing.
     */
    public static DecisionFilter of(Map<String, String> fields) {
        return new DecisionFilter(fields.get("model"), fields.get("pool"), fields.get("endpoint"), fields.get("status"));
    }

    public boolean test(RoutingDecision d) {
        if (model != null && !model.equals(d.requestedModel()) && !model.equals(d.targetModel())) {
            return false;
        }
        if (pool != null && (d.pool() == null || !pool.equals(d.pool().toString()))) {
            return false;
        }
        if (endpoint != null && (d.chosenEndpoint() == null || !endpoint.equals(d.chosenEndpoint().toString()))) {
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

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
