package io.inferrouter.gateway.routing;

import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.tables.RouteRow;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Finds the HTTPRoute rule for a request: among every rule whose match holds (a rule without matches
 * holds for everything), the one with the longest path, then the most header matches, wins; ties go
 * to the route whose key sorts first. This is Gateway API's precedence reduced to what an inference
 * gateway sees (no hostnames, no query matches).
 */
public final class RouteMatcher {

    /**
     * Regular expressions of the routes, compiled once: routes change per table update, requests
     * come per millisecond. Reads are lock-free; the set is as large as the distinct expressions
     * HTTPRoutes have used.
     */
    private static final ConcurrentHashMap<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private RouteMatcher() {
    }

    private static boolean regexMatches(String regex, String value) {
        Pattern p = PATTERNS.get(regex);
        if (p == null) {
            p = Pattern.compile(regex);
            PATTERNS.putIfAbsent(regex, p);
        }
        return p.matcher(value).matches();
    }

    /** The winning rule's weighted pools, or null when no rule matches. */
    public static List<RouteRow.WeightedPool> match(List<RouteRow> routes, String path, String method,
                                                    Function<String, String> header) {
        RouteRow.Rule best = null;
        int bestPath = -1;
        int bestHeaders = -1;
        for (RouteRow route : routes) {
            for (RouteRow.Rule rule : route.rules()) {
                if (rule.matches().isEmpty()) {
                    if (bestPath < 0) {
                        best = rule;
                        bestPath = 0;
                        bestHeaders = 0;
                    }
                    continue;
                }
                for (HttpRoute.Match m : rule.matches()) {
                    if (!holds(m, path, method, header)) {
                        continue;
                    }
                    int p = m.path() == null ? 0 : m.path().value().length();
                    int h = m.headers().size();
                    if (p > bestPath || (p == bestPath && h > bestHeaders)) {
                        best = rule;
                        bestPath = p;
                        bestHeaders = h;
                    }
                }
            }
        }
        return best == null ? null : best.pools();
    }

    static boolean holds(HttpRoute.Match m, String path, String method, Function<String, String> header) {
        if (m.method() != null && !m.method().equalsIgnoreCase(method)) {
            return false;
        }
        if (m.path() != null && !pathHolds(m.path(), path)) {
            return false;
        }
        for (HttpRoute.HeaderMatch h : m.headers()) {
            String value = header.apply(h.name());
            if (value == null) {
                return false;
            }
            if ("RegularExpression".equals(h.type()) ? !regexMatches(h.value(), value) : !value.equals(h.value())) {
                return false;
            }
        }
        return true;
    }

    private static boolean pathHolds(HttpRoute.PathMatch p, String path) {
        return switch (p.type()) {
            case "Exact" -> path.equals(p.value());
            case "RegularExpression" -> regexMatches(p.value(), path);
            default -> {
                String prefix = p.value().endsWith("/") && p.value().length() > 1
                        ? p.value().substring(0, p.value().length() - 1) : p.value();
                yield prefix.equals("/") || path.equals(prefix) || path.startsWith(prefix + "/");
            }
        };
    }
}
