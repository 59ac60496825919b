package io.inferrouter.sim.client;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A JDK HTTP client body subscriber that keeps every chunk that arrived and how the body ended
 * (null when it ended properly, the error when it was cut). Not {@code BodyHandlers.ofInputStream}:
 * once a cut reaches the client, its read throws at once, dropping chunks that arrived before the cut
 * but were not read yet. Use with {@code BodyHandlers.ofPublisher()}. Here, beside the simulator,
 * for the tests of everything that relays its streams (the simulator's own drills, the gateway).
 */
public final class ReceivedBody implements Flow.Subscriber<List<ByteBuffer>> {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<Throwable> end = new CompletableFuture<>();

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        // Signals come one at a time (Flow's rule), and end() completes after the last one.
        for (ByteBuffer b : buffers) {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            bytes.writeBytes(copy);
        }
    }

    @Override
    public void onError(Throwable error) {
        end.complete(error);
    }

    @Override
    public void onComplete() {
        end.complete(null);
    }

    /** Completes with null at a proper end of the body, with the error when it was cut. */
    public CompletableFuture<Throwable> end() {
        return end;
    }

    /** What arrived; read it once {@link #end} is done. */
    public String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
