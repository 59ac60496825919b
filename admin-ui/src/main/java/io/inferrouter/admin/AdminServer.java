package io.inferrouter.admin;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import io.inferrouter.admin.decisions.DecisionTail;
import io.inferrouter.admin.decisions.DecisionWindow;
import io.inferrouter.admin.decisions.DecisionsService;
import io.inferrouter.admin.resources.KubeResources;
import io.inferrouter.admin.resources.ResourcesService;
import io.inferrouter.admin.tables.TablesClient;
import io.inferrouter.admin.tables.TablesService;
import io.inferrouter.admin.whatif.WhatIfService;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.support.Health;
import io.inferrouter.support.KubeClients;
import io.inferrouter.support.Parts;
import io.inferrouter.support.PrometheusEndpoint;
import io.inferrouter.support.TopicSetup;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * admin-ui as a running service, wired in data-flow order: the tables read through from
 * routing-stream, the decisions followed on Kafka, edits written to the Kubernetes API, then the
 * web server with the UI's static files and its JSON API.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final WebServer server;
    private final Parts parts;

    private AdminServer(WebServer server, Parts parts) {
        this.server = server;
        this.parts = parts;
    }

    /**
     * @param kube a Kubernetes client to edit with (owned by the caller), or null to build one from
     *             the config when {@code kubernetes.enabled}
     */
    public static AdminServer start(AdminConfig config, PrometheusMeterRegistry registry, KubernetesClient kube) {
        Parts parts = new Parts();
        try {
            TopicSetup.ensure(config.bootstrapServers(), config.replicationFactor(), Duration.ofSeconds(30),
                    Topics.all());
            TablesClient tables = parts.add(new TablesClient(config.routingStreamUrl(), config.queryTimeout()));
            Supplier<Consumer<String, byte[]>> consumers = () -> consumer(config);
            DecisionTail tail = DecisionTail.start(consumers, config.recentDecisions(), registry);
            parts.add(tail);
            Producer<String, byte[]> producer = producer(config);
            parts.add(producer);
            DecisionWindow window = new DecisionWindow(consumers, producer, config.replayMaxRecords());
            KubeResources resources = null;
            if (config.kubernetes()) {
                KubernetesClient client = kube;
                if (client == null) {
                    client = kubernetesClient(config);
                    parts.add(client);
                }
                resources = new KubeResources(client, registry);
            }
            KubeResources edits = resources;
            // The what-if replay's profiles: the gateway's, from this process's environment as the gateway reads its.
            GatewayConfig gateway = GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(), System.getenv()));
            WebServer server = WebServer.builder().host(config.httpHost()).port(config.httpPort())
                    .routing(r -> routing(r, tables, tail, window, edits, gateway, config, registry))
                    .build().start();
            LOG.info("admin-ui started url=http://{}:{} routingStream={} editing={}", config.httpHost(), server.port(),
                    config.routingStreamUrl(), edits != null);
            return new AdminServer(server, parts);
        } catch (RuntimeException e) {
            parts.close();
            throw e;
        }
    }

    static void routing(HttpRouting.Builder r, TablesClient tables, DecisionTail tail, DecisionWindow window,
                        KubeResources edits, GatewayConfig gateway, AdminConfig config, PrometheusMeterRegistry registry) {
        r.register(new TablesService(tables))
                .register(new DecisionsService(tail, window, config.recentDecisions()))
                .register(new WhatIfService(window, gateway))
                .register(new ResourcesService(edits))
                .get("/health", (req, res) -> Health.send(res, true))
                .get("/ready", (req, res) -> Health.send(res, tail.ready() && tables.ready()));
        PrometheusEndpoint.register(r, registry);
        r.register("/", StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                .location("web").welcome("index.html").build()));
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        parts.close();
    }

    private static Consumer<String, byte[]> consumer(AdminConfig config) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "admin-ui-decisions",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static Producer<String, byte[]> producer(AdminConfig config) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.CLIENT_ID_CONFIG, "admin-ui-replay",
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** The master URL wins over a kubeconfig when both are set, as it always has for admin-ui. */
    private static KubernetesClient kubernetesClient(AdminConfig config) {
        return KubeClients.build(config.masterUrl(), config.masterUrl() != null ? null : config.kubeconfig(),
                config.queryTimeout(), AdminConfig.KUBECONFIG.label());
    }
}
