package io.inferrouter.stream.query;

import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;

/** Asks another routing-stream instance's query API for what it holds. */
public interface Peers extends AutoCloseable {

    /**
     * The JSON body of {@code GET http://host:port/pathAndQuery}.
     *
     * @throws QueryUnavailableException when the instance cannot be reached or does not answer 200
     */
    byte[] get(HostInfo host, String pathAndQuery);

    /** Releases what asking peers holds (connections, threads); does nothing by default. */
    @Override
    default void close() {
    }

    /** Peers asked over HTTP, each request bounded by {@code timeout}. */
    static Peers http(Duration timeout) {
        return new HttpPeers(timeout);
    }
}
