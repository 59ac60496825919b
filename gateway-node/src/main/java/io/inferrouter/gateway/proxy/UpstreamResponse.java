package io.inferrouter.gateway.proxy;

import java.io.InputStream;
import java.util.List;
import java.util.function.BiConsumer;

/** A model server's response whose head has arrived: status and headers read, body still to read. */
public interface UpstreamResponse {

    int status();

    /** The {@code Content-Type}, or null. */
    String contentType();

    /** The declared body length, or -1 when the server did not declare one (chunked, or to close). */
    default long contentLength() {
        long[] length = {-1};
        forEachHeader((name, values) -> {
            if (name.equalsIgnoreCase("content-length") && values.size() == 1) {
                try {
                    length[0] = Long.parseLong(values.get(0).trim());
                } catch (NumberFormatException e) {
                    length[0] = -1;
                }
            }
        });
        return length[0];
    }

    /** Every header with all its values, in the order received, named as the server sent it. */
    void forEachHeader(BiConsumer<String, List<String>> action);

    /**
     * The body as it arrives. Bytes received before the server broke the connection are read before
     * the failure is: the read that finds the cut throws (an IOException or an unchecked exception).
     */
    InputStream body();

    /** Releases the connection: back to the pool when the body was read to its end, else closed. */
    void close();
}
