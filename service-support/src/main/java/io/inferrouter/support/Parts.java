package io.inferrouter.support;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts a service started, in start order; closed in reverse, each close failure logged and
 * the rest still closed. Services use it both for a start that fails half way and for a stop.
 */
public final class Parts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Parts.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** Records a started part and returns it. */
    public <T extends AutoCloseable> T add(T part) {
        started.push(part);
        return part;
    }

    /** Closes every part, the last started first. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("stopping part failed part={} error={}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
