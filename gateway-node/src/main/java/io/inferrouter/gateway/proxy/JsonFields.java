package io.inferrouter.gateway.proxy;

/**
 * Byte-cheap edits of one string field in a JSON text, for the stream path where parsing every
 * chunk would cost more than the chunk: used to put the client's model name back into responses.
 */
public final class JsonFields {

    private JsonFields() {
    }

    /**
     * Replaces the value of the first {@code "field": "..."} in {@code json}; returns {@code json}
     * unchanged when there is no such string field.
     */
    public static String replaceString(String json, String field, String value) {
        String key = "\"" + field + "\"";
        int at = json.indexOf(key);
        while (at >= 0) {
            int i = skipSpaces(json, at + key.length());
            if (i < json.length() && json.charAt(i) == ':') {
                i = skipSpaces(json, i + 1);
                if (i < json.length() && json.charAt(i) == '"') {
                    int end = endOfString(json, i + 1);
                    if (end > 0) {
                        return json.substring(0, i) + quote(value) + json.substring(end + 1);
                    }
                }
                return json;
            }
            at = json.indexOf(key, at + 1);
        }
        return json;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Index of the closing quote of a string starting at {@code i}, or -1. */
    private static int endOfString(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i;
            } else {
                i++;
            }
        }
        return -1;
    }
}
