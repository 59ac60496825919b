package io.inferrouter.admin.api;

import io.helidon.webserver.http.ServerRequest;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.regex.Pattern;

/**
 * The {@code {namespace}/{name}} of a request path, read once into a {@link ResourceKey}. Only
 * Kubernetes names pass: anything else is a 400 that says which part is wrong.
 */
public final class PathKeys {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    private PathKeys() {
    }

    /** The key named by the path parameters {@code namespace} and {@code name}. */
    public static ResourceKey resourceKey(ServerRequest req) {
        return resourceKey(req.path().pathParameters().get("namespace"), req.path().pathParameters().get("name"));
    }

    /** The namespace must be a DNS-1123 label and the name a DNS-1123 subdomain, as Kubernetes requires. */
    public static ResourceKey resourceKey(String namespace, String name) {
        if (namespace == null || !DNS_LABEL.matcher(namespace).matches()) {
            throw AdminException.badRequest("namespace '" + namespace + "' is not a DNS-1123 label");
        }
        if (name == null || name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            throw AdminException.badRequest("name '" + name + "' is not a DNS-1123 subdomain");
        }
        return ResourceKey.of(namespace, name);
    }
}
