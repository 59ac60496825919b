package io.inferrouter.ingestor.election;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election among ingestor replicas through a coordination.k8s.io Lease (fabric8's
 * {@code LeaderElector}). The leader publishes and scrapes; the others keep their view and stand by.
 * The callbacks run on their own virtual thread so that slow work on becoming leader (republishing,
 * reconciling the topics) never delays the lease renewals. A replica that loses the lease stands
 * for election again; closing releases the lease so another replica takes over at once.
 */
public final class Leadership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    /** Lease settings. */
    public record Settings(String namespace, String leaseName, String identity, Duration leaseDuration,
                           Duration renewDeadline, Duration retryPeriod) {
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final Runnable onStart;
    private final Runnable onStop;
    private final AtomicBoolean leading = new AtomicBoolean();
    private volatile boolean closed;
    private volatile CompletableFuture<?> election;

    /**
     * @param onStart run when this replica becomes the leader
     * @param onStop  run when it stops being the leader (lease lost, or closing)
     */
    public Leadership(KubernetesClient client, Settings settings, Runnable onStart, Runnable onStop) {
        this.client = electionClient(client, settings);
        this.settings = settings;
        this.onStart = onStart;
        this.onStop = onStop;
    }

    /**
     * A client of its own for the Lease, whose every request fails within a third of the renew deadline
     * and is not retried: the elector checks its deadline between attempts, so with the shared client's
     * retries (exponential back-off over ten attempts) a leader cut off from the API server went on
     * leading for a minute or more while another replica, once the lease ran out, led too.
     */
    static KubernetesClient electionClient(KubernetesClient shared, Settings settings) {
        int timeoutMs = (int) Math.max(200, settings.renewDeadline().toMillis() / 3);
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(shared.getConfiguration())
                .withRequestRetryBackoffLimit(0).withRequestTimeout(timeoutMs).withConnectionTimeout(timeoutMs)
                .build()).build();
    }

    public Leadership start() {
        stand();
        return this;
    }

    public boolean leading() {
        return leading.get();
    }

    private void stand() {
        if (closed) {
            return;
        }
        CompletableFuture<?> f = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(settings.leaseName())
                .withLock(new LeaseLock(settings.namespace(), settings.leaseName(), settings.identity()))
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped,
                        id -> LOG.info("ingestor leader is identity={} lease={}/{}", id, settings.namespace(),
                                settings.leaseName())))
                .build()).build().start();
        election = f;
        f.whenComplete((ok, error) -> {
            if (!closed) {
                LOG.warn("leader election ended, standing again identity={} error={}", settings.identity(),
                        error == null ? "none" : error.toString());
                Thread.ofVirtual().name("leader-election-restart").start(() -> {
                    try {
                        Thread.sleep(settings.retryPeriod());
                    } catch (InterruptedException e) {
                        return;
                    }
                    stand();
                });
            }
        });
    }

    private void started() {
        if (leading.compareAndSet(false, true)) {
            LOG.info("this ingestor is the leader identity={}", settings.identity());
            Thread.ofVirtual().name("became-leader").start(onStart);
        }
    }

    private void stopped() {
        if (leading.compareAndSet(true, false)) {
            LOG.info("this ingestor is no longer the leader identity={}", settings.identity());
            onStop.run();
        }
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> f = election;
        if (f != null) {
            f.cancel(true);
        }
        stopped();
        client.close();
    }
}
