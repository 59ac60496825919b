package io.inferrouter.gateway.server;

import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.spi.ServerConnection;
import java.time.Duration;

/**
 * A client connection as Helidon runs it, plus what {@link ClientConnections} needs: it is told when
 * the connection ends, and whether Helidon is between requests (so the next read waits for a head).
 */
final class GuardedConnection implements ServerConnection, InterruptableTask<Void> {

    private final ServerConnection delegate;
    private final Runnable ended;

    GuardedConnection(ServerConnection delegate, Runnable ended) {
        this.delegate = delegate;
        this.ended = ended;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        try {
            delegate.handle(limit);
        } finally {
            ended.run();
        }
    }

    /** Helidon's HTTP/1 connection can be interrupted exactly while it waits for a request line. */
    @Override
    public boolean canInterrupt() {
        return delegate instanceof InterruptableTask<?> task && task.canInterrupt();
    }

    @Override
    public Duration idleTime() {
        return delegate.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        delegate.close(interrupt);
    }
}
