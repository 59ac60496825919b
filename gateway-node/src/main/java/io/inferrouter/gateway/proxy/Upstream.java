package io.inferrouter.gateway.proxy;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;
import java.util.Map;

/**
 * One attempt at one model server: sends the request and waits for the response head. The transport
 * under {@link UpstreamProxy}, which decides which endpoints to try; {@link Http1Upstream} in
 * production, a fake in tests.
 */
public interface Upstream {

    /**
     * @param headers the client's headers that may go upstream, plus the gateway's own
     * @return the response, its head read and its body not yet
     * @throws RuntimeException when no response head arrived (refused, reset, timed out); a
     *                          {@link java.net.SocketTimeoutException} in the cause chain marks a timeout
     */
    UpstreamResponse send(Endpoint endpoint, String path, byte[] body, Map<String, List<String>> headers);
}
