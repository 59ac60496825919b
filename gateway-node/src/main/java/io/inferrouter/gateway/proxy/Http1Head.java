package io.inferrouter.gateway.proxy;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * A response head as read off an HTTP/1.1 connection, and what it says about the body's framing
 * (RFC 9112 section 6.3): chunked, a declared length, none, or up to the connection's close.
 *
 * @param names  header names as the server sent them, in order
 * @param values each header line's value (leading and trailing blanks removed), parallel to names
 */
record Http1Head(int status, boolean http11, List<String> names, List<String> values, Framing framing,
                 long contentLength, boolean keepAlive) {

    enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    /** Parses {@code HTTP/1.x nnn reason}; the headers come later ({@link #withHeaders}). */
    static Http1Head statusLine(String line) throws IOException {
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' '
                || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new IOException("model server sent a malformed status line: "
                    + (line.length() > 80 ? line.substring(0, 80) + "..." : line));
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("model server sent a malformed status code: " + line.substring(9, 12));
            }
            status = status * 10 + (c - '0');
        }
        if (status < 100) {
            throw new IOException("model server sent status " + status);
        }
        return new Http1Head(status, line.charAt(7) == '1', List.of(), List.of(), Framing.NONE, -1, false);
    }

    /**
     * This head with its headers, and the body's framing decided from them.
     *
     * @throws IOException when the declared length is not one non-negative number
     */
    Http1Head withHeaders(List<String> names, List<String> values) throws IOException {
        boolean chunked = false;
        boolean transferEncoded = false;
        long length = -1;
        boolean close = !http11;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String value = values.get(i);
            if (name.equalsIgnoreCase("transfer-encoding")) {
                transferEncoded = true;
                // Only the last coding decides: chunked must be last when it is used at all.
                int comma = value.lastIndexOf(',');
                chunked = value.substring(comma + 1).strip().equalsIgnoreCase("chunked");
            } else if (name.equalsIgnoreCase("content-length")) {
                for (String part : value.split(",", -1)) {
                    long v = parseLength(part.strip());
                    if (length >= 0 && v != length) {
                        throw new IOException("model server declared two content lengths: " + length + " and " + v);
                    }
                    length = v;
                }
            } else if (name.equalsIgnoreCase("connection")) {
                for (String token : value.split(",", -1)) {
                    if (token.strip().toLowerCase(Locale.ROOT).equals("close")) {
                        close = true;
                    }
                }
            }
        }
        Framing framing;
        if (status == 204 || status == 304) {
            framing = Framing.NONE;
        } else if (transferEncoded) {
            // A length beside a transfer coding is ignored, and the connection not trusted afterwards.
            framing = chunked ? Framing.CHUNKED : Framing.UNTIL_CLOSE;
            close |= length >= 0 || !chunked;
            length = -1;
        } else if (length >= 0) {
            framing = Framing.LENGTH;
        } else {
            framing = Framing.UNTIL_CLOSE;
            close = true;
        }
        return new Http1Head(status, http11, List.copyOf(names), List.copyOf(values), framing,
                framing == Framing.LENGTH ? length : -1, !close);
    }

    private static long parseLength(String text) throws IOException {
        if (text.isEmpty() || text.length() > 18) {
            throw new IOException("model server sent an invalid content length: '" + text + "'");
        }
        long v = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("model server sent an invalid content length: '" + text + "'");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The first value of a header, or null. */
    String header(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
            }
        }
        return null;
    }
}
