package io.inferrouter.ingestor.kube;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of an untyped object tree (a custom resource's {@code spec}), collecting what is wrong
 * instead of throwing, so that one bad field becomes a validation error, not a lost resource.
 */
final class Fields {

    private final Map<String, Object> root;
    private final String where;
    private final List<String> errors;

    Fields(Object root, String where, List<String> errors) {
        this.root = asMap(root);
        this.where = where;
        this.errors = errors;
    }

    boolean has(String key) {
        return root.get(key) != null;
    }

    String string(String key) {
        Object v = root.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        errors.add(where + key + " must be a string, was " + v);
        return null;
    }

    Integer integer(String key) {
        Object v = root.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        errors.add(where + key + " must be an integer, was " + v);
        return null;
    }

    Fields object(String key) {
        Object v = root.get(key);
        if (v != null && !(v instanceof Map<?, ?>)) {
            errors.add(where + key + " must be an object");
        }
        return new Fields(v, where + key + ".", errors);
    }

    List<Fields> list(String key) {
        Object v = root.get(key);
        List<Fields> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof List<?> items)) {
            errors.add(where + key + " must be a list");
            return out;
        }
        for (int i = 0; i < items.size(); i++) {
            out.add(new Fields(items.get(i), where + key + "[" + i + "].", errors));
        }
        return out;
    }

    List<String> strings(String key) {
        Object v = root.get(key);
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> items) {
            items.forEach(i -> out.add(String.valueOf(i)));
        } else if (v != null) {
            errors.add(where + key + " must be a list of strings");
        }
        return out;
    }

    Map<String, String> stringMap(String key) {
        Object v = root.get(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof Map<?, ?> m)) {
            errors.add(where + key + " must be a map of strings");
            return out;
        }
        m.forEach((k, val) -> out.put(String.valueOf(k), String.valueOf(val)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
