package io.inferrouter.gateway.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import java.time.Duration;

/**
 * A connection over {@code http.max-connections}: it reads what the client has sent, answers one
 * ready-made 503 and ends. Reading first matters: closing a socket with unread request bytes resets
 * it, and the client could lose the answer.
 */
final class RejectedConnection implements ServerConnection {

    private final ConnectionContext ctx;
    private final byte[] response;

    RejectedConnection(ConnectionContext ctx, byte[] response) {
        this.ctx = ctx;
        this.response = response;
    }

    @Override
    public void handle(Limit limit) {
        DataReader reader = ctx.dataReader();
        try {
            reader.ensureAvailable();
            reader.skip(reader.available());
        } catch (DataReader.InsufficientDataAvailableException e) {
            // The client left without a word: nobody to answer.
            return;
        }
        ctx.dataWriter().writeNow(BufferData.create(response));
    }

    @Override
    public Duration idleTime() {
        return Duration.ZERO;
    }

    @Override
    public void close(boolean interrupt) {
        // Ends by itself within the read deadline.
    }
}
