package io.inferrouter.stream.app;

import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.stream.topology.PoisonRecordHandler;
import io.inferrouter.stream.topology.ProcessingErrorHandler;
import io.inferrouter.stream.topology.RoutingTopology;
import io.inferrouter.stream.topology.StreamMetrics;
import io.inferrouter.stream.topology.TopologySettings;
import io.inferrouter.support.TopicSetup;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the {@link KafkaStreams} client that runs {@link RoutingTopology}: checks the topics, starts
 * it, reports its state, closes it.
 */
public final class RoutingStreamApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingStreamApp.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final int endpointPartitions;

    private RoutingStreamApp(KafkaStreams streams, KafkaStreamsMetrics streamsMetrics, int endpointPartitions) {
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
        this.endpointPartitions = endpointPartitions;
    }

    /**
     * Creates missing topics, checks their partitioning, and starts the topology.
     *
     * @param httpPort the port the query API actually listens on (published to other instances)
     * @throws IllegalStateException when the topics are partitioned in a way the topology cannot work with
     */
    public static RoutingStreamApp start(RoutingStreamConfig config, int httpPort, MeterRegistry registry) {
        int metricsPartitions = prepareTopics(config);
        StreamMetrics metrics = new MicrometerStreamMetrics(registry);
        TopologySettings settings = new TopologySettings(metricsPartitions, config.orphanHorizon(),
                config.inMemoryStores());
        Topology topology = RoutingTopology.build(settings, metrics);
        LOG.debug("topology {}", topology.describe());
        KafkaStreams streams = new KafkaStreams(topology, properties(config, httpPort, metrics));
        streams.setStateListener((now, before) -> LOG.info("streams state changed from={} to={}", before, now));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it error={}", e.toString(), e);
            registry.counter("routing_stream_thread_failures").increment();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        binder.bindTo(registry);
        streams.start();
        LOG.info("routing-stream started applicationId={} bootstrap={} endpointPartitions={}", config.applicationId(),
                config.bootstrapServers(), metricsPartitions);
        return new RoutingStreamApp(streams, binder, metricsPartitions);
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Partitions of the metrics topic, over which the endpoint tables are spread. */
    public int endpointPartitions() {
        return endpointPartitions;
    }

    /** Ready once every task has restored its state and is processing. */
    public boolean ready() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Alive unless the client has failed or is shutting down for good. */
    public boolean alive() {
        KafkaStreams.State s = streams.state();
        return s != KafkaStreams.State.ERROR && s != KafkaStreams.State.NOT_RUNNING
                && s != KafkaStreams.State.PENDING_ERROR;
    }

    /**
     * Stops and leaves the group at once (for a static member, by removing it through the admin API),
     * so the other instances, or this one started again, take its tasks without waiting for the session
     * timeout. Kafka Streams otherwise never leaves on close: a restart waited the whole timeout (45 s
     * by default) in REBALANCING.
     */
    @Override
    public void close() {
        streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(30)).leaveGroup(true));
        streamsMetrics.close();
        LOG.info("routing-stream stopped");
    }

    /**
     * Stops without leaving the group, as a killed or partitioned instance would: the group notices only
     * when the session times out. For failover drills and tests.
     */
    public void stopWithoutLeaving() {
        streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(30)).leaveGroup(false));
        streamsMetrics.close();
        LOG.info("routing-stream stopped without leaving its group");
    }

    static Properties properties(RoutingStreamConfig config, int httpPort, StreamMetrics metrics) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.advertisedHost() + ":" + httpPort);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        // Static membership: an instance back under the same id within the session timeout takes its tasks
        // back without a rebalance; each stream thread's id gets its own suffix from Kafka Streams.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), config.instanceId());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                (int) config.sessionTimeout().toMillis());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                (int) Math.max(250, config.sessionTimeout().toMillis() / 4));
        // Freshness: no record cache, and no waiting for fuller batches on the way in or out.
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 10);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, PoisonRecordHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingErrorHandler.class);
        p.put(PoisonRecordHandler.METRICS_CONFIG, metrics);
        return p;
    }

    /**
     * Creates missing catalogue topics and checks the partitioning the topology relies on: every
     * resource topic has one partition (the control-plane rules see all resources in one task).
     *
     * @return the partitions of the metrics topic, which the membership topic must match
     */
    static int prepareTopics(RoutingStreamConfig config) {
        TopicSetup.ensure(config.bootstrapServers(), config.replicationFactor(), TOPIC_TIMEOUT, Topics.all());
        try (Admin admin = TopicSetup.admin(config.bootstrapServers(), TOPIC_TIMEOUT)) {
            List<String> names = Topics.sources().stream().map(Topic::name).toList();
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                    .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<String> problems = new ArrayList<>();
            for (Topic<?, ?> topic : Topics.sources()) {
                int partitions = described.get(topic.name()).partitions().size();
                if (topic != Topics.ENDPOINT_METRICS && partitions != 1) {
                    problems.add(topic.name() + " has " + partitions + " partitions; resource topics must have exactly 1");
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("cannot run the routing topology: " + String.join("; ", problems));
            }
            return described.get(Topics.ENDPOINT_METRICS.name()).partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topics at " + config.bootstrapServers() + ": " + e, e);
        }
    }
}
