package io.inferrouter.ingestor;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.helidon.webserver.WebServer;
import io.inferrouter.ingestor.election.Leadership;
import io.inferrouter.ingestor.files.FileSource;
import io.inferrouter.ingestor.http.IngestorHttp;
import io.inferrouter.ingestor.kube.KubeSource;
import io.inferrouter.ingestor.kube.ResourceEvents;
import io.inferrouter.ingestor.kube.ResourceMapper;
import io.inferrouter.ingestor.kube.Source;
import io.inferrouter.ingestor.kv.KvEventsSubscriber;
import io.inferrouter.ingestor.metrics.IngestorMetrics;
import io.inferrouter.ingestor.metrics.MicrometerIngestorMetrics;
import io.inferrouter.ingestor.publish.KafkaProbe;
import io.inferrouter.ingestor.publish.Publisher;
import io.inferrouter.ingestor.publish.TopicKeys;
import io.inferrouter.ingestor.scrape.Scraper;
import io.inferrouter.ingestor.state.ClusterState;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.support.Durations;
import io.inferrouter.support.KubeClients;
import io.inferrouter.support.Parts;
import io.inferrouter.support.TopicSetup;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * state-ingestor, wired by hand in the order data flows: topics, Kafka probe, publisher, cluster
 * view, source (informers or manifest files), leader election, scraper, KV-event subscriber, then the
 * HTTP endpoints; closed in reverse order.
 *
 * <p>After the first full listing (and again on becoming leader) it reconciles the topics with the
 * cluster: it reads each resource topic to its end once and tombstones the keys, in the namespaces it
 * watches, that the cluster no longer has. Later deletes, including those an informer finds on a
 * re-list after a lost watch, become tombstones as they are reported.
 *
 * <pre>{@code
 * try (StateIngestor ingestor = StateIngestor.start(IngestorConfig.of(Map.of(
 *         "kafka.bootstrap-servers", bootstrap, "kubeconfig", kubeconfig.toString())), registry, null)) {
 *     ingestor.awaitReady(Duration.ofSeconds(60));
 *     ...
 * }
 * }</pre>
 */
public final class StateIngestor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateIngestor.class);
    private static final Duration TOPIC_READ_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The KV-event records' producer compresses (a snapshot of 28,000 blocks is about 0.5 MB of JSON, lz4
     * halves it) and may build requests as large as the topic's {@code max.message.bytes}: a snapshot of
     * the most blocks an endpoint may hold ({@code EndpointStream.MAX_BLOCKS}) fits, uncompressed.
     * A producer of its own also keeps a burst of KV events from delaying resource records and metrics.
     */
    private static final Map<String, Object> KV_PRODUCER = Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.KV_EVENTS_MAX_MESSAGE_BYTES);

    private final IngestorConfig config;
    private final Parts parts = new Parts();
    private final AtomicBoolean leader = new AtomicBoolean();
    private final AtomicBoolean reconciled = new AtomicBoolean();
    private final ReentrantLock leadershipChange = new ReentrantLock();
    private volatile boolean closed;
    private KafkaProbe kafka;
    private Publisher publisher;
    private ClusterState state;
    private Source source;
    private Leadership leadership;
    private Scraper scraper;
    private Publisher kvPublisher;
    private KvEventsSubscriber kvEvents;
    private WebServer server;

    private StateIngestor(IngestorConfig config) {
        this.config = config;
    }

    /**
     * Starts every part; returns at once (readiness follows, see {@link #ready()}).
     *
     * @param registry where the ingestor's metrics go (served on /metrics, through {@link MicrometerIngestorMetrics})
     * @param client   the cluster to watch when the source is {@code kubernetes}; null builds one from the
     *                 config (kubeconfig, master URL, or fabric8's defaults); not used in files mode, and
     *                 not closed by the ingestor when given
     * @throws IllegalArgumentException when the kubeconfig or manifest directory cannot be read
     * @throws io.inferrouter.schemas.topics.TopicAdmin.TopicSetupException when the topics cannot be created
     */
    public static StateIngestor start(IngestorConfig config, PrometheusMeterRegistry registry, KubernetesClient client) {
        StateIngestor ingestor = new StateIngestor(config);
        try {
            ingestor.startParts(registry, client);
            return ingestor;
        } catch (RuntimeException e) {
            ingestor.close();
            throw e;
        }
    }

    /** Starts with a Kubernetes client built from the config (or in files mode). */
    public static StateIngestor start(IngestorConfig config, PrometheusMeterRegistry registry) {
        return start(config, registry, null);
    }

    private void startParts(PrometheusMeterRegistry registry, KubernetesClient given) {
        IngestorMetrics metrics = new MicrometerIngestorMetrics(registry);
        TopicSetup.ensure(config.bootstrapServers(), config.replicationFactor(), TOPIC_READ_TIMEOUT, Topics.all());
        kafka = parts.add(new KafkaProbe(config.bootstrapServers(), Duration.ofSeconds(2), metrics));
        publisher = parts.add(new Publisher(config.bootstrapServers(), "state-ingestor-" + config.identity(), metrics));
        boolean elect = config.leaderElection();
        publisher.active(!elect);
        leader.set(!elect);
        state = new ClusterState(publisher, config.podLabelKeys());
        String sourceName = config.filesMode() ? "file:" + config.filesDir() : "k8s:" + config.identity();
        ResourceEvents events = new ResourceEvents(new ResourceMapper(sourceName), state, metrics);
        KubernetesClient client = null;
        if (config.filesMode()) {
            source = parts.add(new FileSource(config.filesDir(), config.namespaces(), events,
                    config.filesPollInterval()));
        } else {
            // A client given by the caller is the caller's to close.
            client = given != null ? given : parts.add(KubeClients.build(config.masterUrl(), config.kubeconfig(), null,
                    IngestorConfig.KUBECONFIG.label()));
            source = parts.add(new KubeSource(client, config.namespaces(), events, config.resync(), metrics));
        }
        if (elect) {
            leadership = parts.add(new Leadership(client, new Leadership.Settings(config.leaseNamespace(),
                    config.leaseName(), config.identity(), config.leaseDuration(), config.renewDeadline(),
                    config.retryPeriod()), this::becameLeader, this::lostLeadership).start());
        }
        scraper = parts.add(new Scraper(state::scrapeTargets, publisher, leader::get, config.scrapeInterval(),
                config.scrapeTimeout(), config.maxBackoff(), "scraper:" + config.identity(), metrics));
        if (config.kvEvents().enabled()) {
            // The scraper's endpoints and switch: each endpoint is followed by the replica that scrapes it.
            kvPublisher = parts.add(new Publisher(config.bootstrapServers(), "state-ingestor-kv-" + config.identity(),
                    metrics, KV_PRODUCER));
            kvPublisher.active(!elect);
            kvEvents = parts.add(new KvEventsSubscriber(() -> state.kvEventsTargets(config.kvEvents().defaults()),
                    leader::get, config.kvEvents(), kvPublisher, "state-ingestor:" + config.identity(), metrics));
        }
        Thread.ofVirtual().name("ingestor-first-sync").start(this::reconcileWhenSynced);
        metrics.leader(leader, AtomicBoolean::get);
        metrics.ready(this, StateIngestor::ready);
        server = IngestorHttp.start(config.httpHost(), config.httpPort(), this::readiness, registry);
        parts.add(server::stop);
        LOG.info("state-ingestor started source={} identity={} namespaces={} http=http://{}:{} leaderElection={} "
                        + "scrapeInterval={} scrapeTimeout={} kvEvents={}", config.source(), config.identity(),
                config.namespaces().isEmpty() ? "*" : String.join(",", config.namespaces()), config.httpHost(),
                server.port(), elect, Durations.format(config.scrapeInterval()), Durations.format(config.scrapeTimeout()),
                config.kvEvents().enabled() ? "ports " + config.kvEvents().port() + "/" + config.kvEvents().replayPort()
                        : "off");
    }

    private void becameLeader() {
        leadershipChange.lock();
        try {
            if (closed || !leadership.leading()) {
                return;
            }
            publisher.active(true);
            if (kvPublisher != null) {
                kvPublisher.active(true);
            }
            leader.set(true);
            state.republish();
        } finally {
            leadershipChange.unlock();
        }
        if (source.synced()) {
            reconcileTopics();
        }
    }

    private void lostLeadership() {
        leadershipChange.lock();
        try {
            leader.set(false);
            publisher.active(false);
            if (kvPublisher != null) {
                kvPublisher.active(false);
            }
        } finally {
            leadershipChange.unlock();
        }
    }

    private void reconcileWhenSynced() {
        long deadline = System.nanoTime() + config.syncTimeout().toNanos();
        boolean warned = false;
        while (!source.synced()) {
            if (closed) {
                return;
            }
            if (!warned && System.nanoTime() > deadline) {
                LOG.warn("first listing not complete after {}, still waiting state=\"{}\"",
                        Durations.format(config.syncTimeout()), source.describe());
                warned = true;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        if (leader.get()) {
            reconcileTopics();
        } else {
            reconciled.set(true);
        }
    }

    /** Tombstones what the topics hold and the cluster does not; retried until it succeeds. */
    private void reconcileTopics() {
        Duration wait = Duration.ofSeconds(1);
        while (!closed && leader.get()) {
            try {
                Map<Topic<String, ?>, Set<ResourceKey>> keys = new LinkedHashMap<>();
                Map<Topic<String, ?>, Set<String>> malformed = new LinkedHashMap<>();
                for (Topic<String, ?> topic : List.<Topic<String, ?>>of(Topics.INFERENCE_POOLS, Topics.INFERENCE_MODELS,
                        Topics.INFERENCE_OBJECTIVES, Topics.INFERENCE_MODEL_REWRITES, Topics.HTTP_ROUTES, Topics.PODS)) {
                    TopicKeys.Live live = TopicKeys.live(config.bootstrapServers(), topic.name(), TOPIC_READ_TIMEOUT);
                    keys.put(topic, live.keys());
                    malformed.put(topic, live.malformed());
                }
                int tombstones = state.reconcile(keys, config::owns);
                // A key that is no namespace/name belongs to no namespace: only an ingestor of all of them removes it.
                if (config.namespaces().isEmpty()) {
                    for (Map.Entry<Topic<String, ?>, Set<String>> e : malformed.entrySet()) {
                        e.getValue().forEach(key -> publisher.tombstoneMalformed(e.getKey(), key));
                        tombstones += e.getValue().size();
                    }
                }
                publisher.flush();
                reconciled.set(true);
                LOG.info("topics reconciled with the cluster tombstones={}", tombstones);
                return;
            } catch (RuntimeException e) {
                LOG.warn("reconciling the topics failed, retrying inMs={} error={}", wait.toMillis(), e.toString());
                LockSupport.parkNanos(wait.toNanos());
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30)
                        : wait.multipliedBy(2);
            }
        }
    }

    /**
     * Ready once Kafka is reachable, the first listing (or manifest read) is applied and the topics are
     * reconciled with it. A standby replica is ready too: it only waits to be elected.
     */
    public boolean ready() {
        return readiness().ready();
    }

    /** The checks behind {@link #ready()}, as /ready shows them. */
    public IngestorHttp.Readiness readiness() {
        boolean kafkaOk = kafka != null && kafka.reachable();
        boolean synced = source != null && source.synced();
        boolean topics = reconciled.get();
        return new IngestorHttp.Readiness(
                Map.of("kafka", kafkaOk, "source", synced, "topics", topics),
                Map.of("kafka", kafkaOk ? "reachable" : "not reachable: " + (kafka == null ? "not started" : kafka.lastError()),
                        "source", source == null ? "not started" : source.describe(),
                        "topics", topics ? "reconciled" : "waiting for the first listing"));
    }

    /** Waits until {@link #ready()} or the timeout; returns whether it is ready. */
    public boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready()) {
            if (System.nanoTime() > deadline || closed) {
                return false;
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        return true;
    }

    /** True while this replica publishes and scrapes (always, without leader election). */
    public boolean leader() {
        return leader.get();
    }

    /** The port of /health, /ready and /metrics. */
    public int port() {
        return server.port();
    }

    /** The endpoints being scraped now; empty on a standby replica. */
    public Set<EndpointId> scrapedEndpoints() {
        return scraper.endpoints();
    }

    /** The endpoints whose KV events are followed now; empty on a standby replica or with them off. */
    public Set<EndpointId> kvEventEndpoints() {
        return kvEvents == null ? Set.of() : kvEvents.endpoints();
    }

    public IngestorConfig config() {
        return config;
    }

    @Override
    public void close() {
        closed = true;
        parts.close();
    }
}
