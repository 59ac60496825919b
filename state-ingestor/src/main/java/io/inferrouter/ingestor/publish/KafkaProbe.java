package io.inferrouter.ingestor.publish;

import io.inferrouter.ingestor.metrics.IngestorMetrics;
import io.inferrouter.support.TopicSetup;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the cluster for its nodes at a fixed period, so that readiness can say whether Kafka is
 * reachable without a network call per probe. Logs only when reachability changes.
 */
public final class KafkaProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaProbe.class);

    private final Admin admin;
    private final Duration period;
    private final Thread loop;
    private volatile boolean reachable;
    private volatile String lastError = "not probed yet";
    private volatile boolean running = true;

    public KafkaProbe(String bootstrapServers, Duration period, IngestorMetrics metrics) {
        this.admin = TopicSetup.admin(bootstrapServers, Duration.ofMillis(Math.max(1_000, period.toMillis())));
        this.period = period;
        metrics.kafkaReachable(this, KafkaProbe::reachable);
        probe();
        this.loop = Thread.ofVirtual().name("kafka-probe").start(this::run);
    }

    public boolean reachable() {
        return reachable;
    }

    /** Why the last probe failed, or null when Kafka is reachable. */
    public String lastError() {
        return reachable ? null : lastError;
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            probe();
        }
    }

    private void probe() {
        boolean ok;
        String error = null;
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) period.toMillis()))
                    .nodes().get(period.toMillis(), TimeUnit.MILLISECONDS).size();
            ok = nodes > 0;
            if (!ok) {
                error = "the cluster reported no nodes";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            ok = false;
            error = e.getCause() != null ? e.getCause().toString() : e.toString();
        }
        if (ok != reachable) {
            if (ok) {
                LOG.info("kafka reachable");
            } else {
                LOG.warn("kafka not reachable error={}", error);
            }
        }
        lastError = error;
        reachable = ok;
    }

    @Override
    public void close() {
        running = false;
        loop.interrupt();
        admin.close(Duration.ofSeconds(2));
    }
}
