package io.inferrouter.bench.load;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts one stage's requests and prints a line every few seconds while it runs (elapsed, sent,
 * completed, errors, in flight), to stderr so that the result tables on stdout stay clean.
 */
public final class Progress implements AutoCloseable {

    private final String label;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Thread printer;

    /** @param interval how often to print; zero or negative prints nothing */
    public Progress(String label, Duration interval, PrintStream out) {
        this.label = label;
        this.out = out;
        if (interval.isPositive()) {
            printer = Thread.ofVirtual().name("progress-" + label).start(() -> {
                try {
                    while (true) {
                        Thread.sleep(interval);
                        out.println(line());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        } else {
            printer = null;
        }
    }

    public void sent() {
        sent.incrementAndGet();
    }

    public void completed(RequestResult r) {
        completed.incrementAndGet();
        if (!r.ok()) {
            errors.incrementAndGet();
        }
    }

    /** One status line, as printed. */
    public String line() {
        long s = sent.get();
        long c = completed.get();
        return String.format(Locale.ROOT, "[%s] %5.1f s: sent %d, completed %d, errors %d, in flight %d", label,
                (System.nanoTime() - startNanos) / 1e9, s, c, errors.get(), s - c);
    }

    /** Stops printing, with a last line. */
    @Override
    public void close() {
        if (printer != null) {
            printer.interrupt();
            out.println(line() + " (done)");
        }
    }
}
