package io.inferrouter.sim.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link Engine}'s step loop on its own thread in real time: each step sleeps its model
 * time times the time scale (and any fault-drill slowdown), then delivers its tokens. Idle, it waits
 * for a request instead of spinning. Can be paused (a stalled GPU) and slowed down.
 */
public final class EngineRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineRunner.class);

    private final Engine engine;
    private final Engine.Observer observer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean paused;
    private volatile double slowdown = 1.0;

    public EngineRunner(Engine engine, Engine.Observer observer, String name) {
        this.engine = engine;
        this.observer = observer;
        this.thread = Thread.ofPlatform().name("engine-" + name).daemon().unstarted(this::loop);
    }

    public EngineRunner start() {
        thread.start();
        return this;
    }

    public Engine engine() {
        return engine;
    }

    /** @throws IllegalArgumentException when the request can never fit */
    public void submit(SimRequest r) {
        engine.submit(r);
        signal();
    }

    /** Restarts the engine (see {@link Engine#restart}), even while paused; completes once applied. */
    public CompletableFuture<Void> restart(KvEventSink events) {
        CompletableFuture<Void> done = engine.restart(events);
        signal();
        return done;
    }

    public void pause(boolean pause) {
        this.paused = pause;
        signal();
    }

    public boolean paused() {
        return paused;
    }

    /** Every step takes {@code factor} times longer (a slow pod); 1 is normal. */
    public void slowdown(double factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("slowdown factor must be positive");
        }
        this.slowdown = factor;
    }

    public double slowdown() {
        return slowdown;
    }

    @Override
    public void close() {
        running = false;
        signal();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void signal() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        double scale = engine.config().timeScale();
        while (running) {
            try {
                awaitWork();
                if (!running) {
                    return;
                }
                engine.applyRestart();
                if (paused || !engine.hasWork()) {
                    continue;
                }
                Engine.Step step = engine.step();
                if (step.modelMs() > 0) {
                    LockSupport.parkNanos((long) (step.modelMs() * 1e6 * scale * slowdown));
                }
                engine.deliver(step, System.nanoTime(), observer);
                if (step.idle()) {
                    // Work exists but none could run (waiting for a LoRA slot or blocks): do not spin.
                    awaitSignal(5);
                }
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.error("engine step failed error={}", e.toString(), e);
            }
        }
    }

    private void awaitWork() throws InterruptedException {
        lock.lock();
        try {
            while (running && !engine.restartPending() && (paused || !engine.hasWork())) {
                wake.await(100, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    private void awaitSignal(long millis) throws InterruptedException {
        lock.lock();
        try {
            wake.await(millis, TimeUnit.MILLISECONDS);
        } finally {
            lock.unlock();
        }
    }
}
