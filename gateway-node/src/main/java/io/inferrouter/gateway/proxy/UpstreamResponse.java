package io.inferrouter.gateway.proxy;

import java.io.InputStream;
import java.util.List;
import java.util.function.BiConsumer;

/** A model server's response whose head has arrived: status and headers read, body still to read. */
public interface UpstreamResponse {

    int status();

    /** The {@code Content-Type}, or null. */
    String contentType();

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
