package io.inferrouter.ingestor;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.inferrouter.ingestor.files.FileSource;
import io.inferrouter.ingestor.kube.KubeSource;
import io.inferrouter.ingestor.kube.ResourceEvents;
import io.inferrouter.ingestor.kube.ResourceMapper;
import io.inferrouter.ingestor.kube.Source;
import io.inferrouter.ingestor.publish.Publisher;
import io.inferrouter.ingestor.publish.TopicKeys;
import io.inferrouter.ingestor.scrape.Scraper;
import io.inferrouter.ingestor.state.ClusterState;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.TopicAdmin;
import io.inferrouter.schemas.topics.Topics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * state-ingestor, wired by hand in the order data flows: topics, publisher, cluster view, source
 * (informers or files), leader election, scraper, then the HTTP endpoints. After the first full
 * listing (and on becoming leader) it reconciles the topics with the cluster: tombstones for what
 * the topics hold and the cluster no longer has.
 */
public final class StateIngestor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateIngestor.class);

    private final IngestorConfig config;
    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private final AtomicBoolean leader = new AtomicBoolean();
    private final AtomicBoolean reconciled = new AtomicBoolean();
    private Publisher publisher;
    private ClusterState state;
    private Source source;
    private Scraper scraper;
    private WebServer server;
    private CompletableFuture<?> election;

    private StateIngestor(IngestorConfig config) {
        this.config = config;
    }

    /**
     * @param client the cluster to watch when the source is {@code kubernetes}; null builds one from the config
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

    private void startParts(PrometheusMeterRegistry registry, KubernetesClient given) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            new TopicAdmin(admin, config.replicationFactor(), Duration.ofSeconds(30)).ensure(Topics.all());
        }
        String sourceName = config.source().equals("files") ? "file:" + config.filesDir() : "k8s:" + config.identity();
        publisher = new Publisher(config.bootstrapServers(), "state-ingestor-" + config.identity(), registry);
        parts.push(publisher);
        boolean elect = config.source().equals("kubernetes") && config.leaderElection();
        publisher.active(!elect);
        leader.set(!elect);
        state = new ClusterState(publisher, config.podLabelKeys());
        ResourceEvents events = new ResourceEvents(new ResourceMapper(sourceName), state, registry);
        KubernetesClient client = null;
        if (config.source().equals("files")) {
            source = new FileSource(config.filesDir(), events, Duration.ofSeconds(1));
        } else {
            client = given != null ? given : client(config);
            if (given == null) {
                parts.push(client);
            }
            source = new KubeSource(client, config.namespaces(), events, config.resync());
        }
        parts.push(source);
        if (elect) {
            startElection(client);
        }
        scraper = new Scraper(state::scrapeTargets, publisher, leader::get, config.scrapeInterval(),
                config.scrapeTimeout(), config.maxBackoff(), "scraper:" + config.identity(), registry);
        parts.push(scraper);
        Thread.ofVirtual().name("ingestor-reconcile").start(this::reconcileWhenSynced);
        registry.gauge("ingestor_leader", leader, b -> b.get() ? 1 : 0);
        server = WebServer.builder().host(config.httpHost()).port(config.httpPort())
                .routing(r -> r.get("/health", (req, res) -> io.inferrouter.support.Health.send(res, true))
                        .get("/ready", (req, res) -> io.inferrouter.support.Health.send(res, ready()))
                        .get("/metrics", (req, res) -> {
                            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                            res.send(registry.scrape());
                        }))
                .build().start();
        parts.push(server::stop);
        LOG.info("state-ingestor started source={} identity={} http=http://{}:{} leaderElection={}", config.source(),
                config.identity(), config.httpHost(), server.port(), elect);
    }

    private static KubernetesClient client(IngestorConfig config) {
        if (config.kubeconfig() == null) {
            return new KubernetesClientBuilder().build();
        }
        try {
            return new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(Files.readString(config.kubeconfig()))).build();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read kubeconfig " + config.kubeconfig() + ": " + e.getMessage(), e);
        }
    }

    private void startElection(KubernetesClient client) {
        election = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName("state-ingestor")
                .withLock(new LeaseLock(config.leaseNamespace(), "state-ingestor", config.identity()))
                .withLeaseDuration(Duration.ofSeconds(15))
                .withRenewDeadline(Duration.ofSeconds(10))
                .withRetryPeriod(Duration.ofSeconds(2))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::becameLeader, this::lostLeadership,
                        id -> LOG.info("ingestor leader is identity={}", id)))
                .build()).build().start();
    }

    private void becameLeader() {
        LOG.info("this ingestor is the leader identity={}", config.identity());
        publisher.active(true);
        leader.set(true);
        state.republish();
        if (source.synced()) {
            reconcileTopics();
        }
    }

    private void lostLeadership() {
        LOG.info("this ingestor is no longer the leader identity={}", config.identity());
        leader.set(false);
        publisher.active(false);
    }

    private void reconcileWhenSynced() {
        long deadline = System.nanoTime() + config.syncTimeout().toNanos();
        while (!source.synced()) {
            if (System.nanoTime() > deadline) {
                LOG.warn("first listing not complete after {}; still waiting", config.syncTimeout());
                deadline = Long.MAX_VALUE;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
        if (leader.get()) {
            reconcileTopics();
        } else {
            reconciled.set(true);
        }
    }

    private void reconcileTopics() {
        Map<Topic<String, ?>, Set<String>> keys = new HashMap<>();
        for (Topic<?, ?> t : Topics.sources()) {
            if (t != Topics.ENDPOINT_METRICS) {
                @SuppressWarnings("unchecked")
                Topic<String, ?> topic = (Topic<String, ?>) t;
                keys.put(topic, TopicKeys.live(config.bootstrapServers(), t.name(), Duration.ofSeconds(30)));
            }
        }
        int tombstones = state.reconcile(keys);
        publisher.flush();
        reconciled.set(true);
        LOG.info("topics reconciled with the cluster tombstones={}", tombstones);
    }

    /** Ready once the first full listing is published and the topics are reconciled with it. */
    public boolean ready() {
        return source != null && source.synced() && reconciled.get();
    }

    public boolean leader() {
        return leader.get();
    }

    public int port() {
        return server.port();
    }

    public Scraper scraper() {
        return scraper;
    }


    @Override
    public void close() {
        if (election != null) {
            election.cancel(true);
        }
        while (!parts.isEmpty()) {
            AutoCloseable p = parts.pop();
            try {
                p.close();
            } catch (Exception e) {
                LOG.warn("stopping part failed error={}", e.toString());
            }
        }
    }
}
