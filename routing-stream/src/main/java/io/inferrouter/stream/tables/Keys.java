package io.inferrouter.stream.tables;

/** Helpers for the {@code namespace/name} keys of resource topics. */
public final class Keys {

    private Keys() {
    }

    public static String namespaceOf(String key) {
        int slash = key.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("resource key must be namespace/name, was '" + key + "'");
        }
        return key.substring(0, slash);
    }

    /** True for a {@code namespace/name} key: exactly one '/', with text on both sides. */
    public static boolean isResourceKey(String key) {
        if (key == null) {
            return false;
        }
        int slash = key.indexOf('/');
        return slash > 0 && slash < key.length() - 1 && key.indexOf('/', slash + 1) < 0;
    }

    /** The prefix that selects every key of one namespace in a sorted store. */
    public static String namespacePrefix(String namespace) {
        return namespace + "/";
    }
}
