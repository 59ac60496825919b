package io.inferrouter.schemas.resources;

/** Comparisons of identities in the order of their text form, without building the text. */
public final class Texts {

    private Texts() {
    }

    /**
     * Compares {@code a + sep + ...} with {@code b + sep + ...} up to and including the separator, as
     * {@link String#compareTo} would, for segments that do not contain {@code sep}: 0 only when the
     * segments are equal.
     */
    public static int compareSegment(String a, String b, char sep) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return x - y;
            }
        }
        if (a.length() == b.length()) {
            return 0;
        }
        // The shorter segment is followed by the separator in its text; a segment holding the separator
        // itself (not a valid name) still orders consistently by its length.
        int c = a.length() < b.length() ? sep - b.charAt(n) : a.charAt(n) - sep;
        return c != 0 ? c : a.length() - b.length();
    }
}
