package io.inferrouter.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the catalogue's topics if they are missing; every service calls it at start, so the
 * order in which services start does not matter. Existing topics are left as they are; a topic
 * whose partitions or cleanup policy differ from the catalogue is reported, since routing may
 * depend on compaction, and so is one whose {@code max.message.bytes} or {@code min.compaction.lag.ms}
 * is below the catalogue's (the latter bounds how far back a table can be read as of a past instant).
 */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private final Admin admin;
    private final short replicationFactor;
    private final Duration timeout;

    public TopicAdmin(Admin admin, short replicationFactor, Duration timeout) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be >= 1, was " + replicationFactor);
        }
        this.admin = admin;
        this.replicationFactor = replicationFactor;
        this.timeout = timeout;
    }

    /** What {@link #ensure} found and did. */
    public record Result(List<String> created, List<String> existing, List<String> mismatches) {
    }

    /**
     * Makes sure every topic exists; safe to call any number of times and from several services at once.
     *
     * @throws TopicSetupException when the broker cannot be reached in time or refuses a topic
     */
    public Result ensure(Collection<Topic<?, ?>> topics) {
        try {
            Set<String> present = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<String> created = new ArrayList<>();
            List<String> existing = new ArrayList<>();
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?, ?> topic : topics) {
                if (present.contains(topic.name())) {
                    existing.add(topic.name());
                } else {
                    missing.add(newTopic(topic));
                }
            }
            if (!missing.isEmpty()) {
                CreateTopicsResult result = admin.createTopics(missing);
                for (Map.Entry<String, ? extends java.util.concurrent.Future<Void>> e : result.values().entrySet()) {
                    try {
                        e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                        created.add(e.getKey());
                    } catch (ExecutionException ex) {
                        if (!(ex.getCause() instanceof TopicExistsException)) {
                            throw ex;
                        }
                        existing.add(e.getKey());
                    }
                }
            }
            List<String> mismatches = check(topics, existing);
            LOG.info("topics ensured created={} existing={} mismatches={}", created, existing.size(), mismatches);
            return new Result(List.copyOf(created), List.copyOf(existing), mismatches);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new TopicSetupException("cannot create topics within " + timeout + ": " + cause, cause);
        }
    }

    private List<String> check(Collection<Topic<?, ?>> topics, List<String> existing)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (existing.isEmpty()) {
            return List.of();
        }
        Map<String, TopicDescription> descriptions = admin.describeTopics(existing).allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<ConfigResource> resources = existing.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<String> mismatches = new ArrayList<>();
        for (Topic<?, ?> topic : topics) {
            TopicDescription d = descriptions.get(topic.name());
            if (d == null) {
                continue;
            }
            if (d.partitions().size() != topic.partitions()) {
                mismatches.add(topic.name() + ": " + d.partitions().size() + " partitions, catalogue says "
                        + topic.partitions());
            }
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
            var policy = config == null ? null : config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy != null && !policy.value().replace(" ", "").equals(topic.cleanup().config())) {
                mismatches.add(topic.name() + ": cleanup.policy=" + policy.value() + ", catalogue says "
                        + topic.cleanup().config());
            }
            var maxBytes = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (topic.maxMessageBytes() > 0 && maxBytes != null && maxBytes.value() != null
                    && Long.parseLong(maxBytes.value()) < topic.maxMessageBytes()) {
                mismatches.add(topic.name() + ": max.message.bytes=" + maxBytes.value() + ", catalogue says "
                        + topic.maxMessageBytes() + " (larger records are refused; raise it with kafka-configs.sh "
                        + "--alter --add-config max.message.bytes=" + topic.maxMessageBytes() + ")");
            }
            var lag = config == null ? null : config.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
            if (topic.minCompactionLagMs() > 0 && lag != null && lag.value() != null
                    && Long.parseLong(lag.value()) < topic.minCompactionLagMs()) {
                mismatches.add(topic.name() + ": min.compaction.lag.ms=" + lag.value() + ", catalogue says "
                        + topic.minCompactionLagMs() + " (older versions of its rows may be compacted sooner, so it "
                        + "cannot be read as of that far back; raise it with kafka-configs.sh --alter --add-config "
                        + "min.compaction.lag.ms=" + topic.minCompactionLagMs() + ")");
            }
        }
        for (String m : mismatches) {
            LOG.warn("topic differs from the catalogue: {}", m);
        }
        return List.copyOf(mismatches);
    }

    private NewTopic newTopic(Topic<?, ?> topic) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, topic.cleanup().config());
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topic.retentionMs()));
        if (topic.maxMessageBytes() > 0) {
            configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(topic.maxMessageBytes()));
        }
        if (topic.minCompactionLagMs() > 0) {
            configs.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(topic.minCompactionLagMs()));
        }
        configs.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(segmentMs(topic)));
        return new NewTopic(topic.name(), topic.partitions(), replicationFactor).configs(configs);
    }

    /**
     * Smaller segments than the 1 GiB default let compaction and retention act on small topics. A
     * compacted topic's uncompacted tail is its compaction lag plus up to one segment, which readers
     * from the beginning replay, so a lag shorter than six hours rolls segments at a sixth of it.
     */
    static long segmentMs(Topic<?, ?> topic) {
        long minute = Duration.ofMinutes(1).toMillis();
        long hour = Duration.ofHours(1).toMillis();
        if (topic.retention() != null) {
            return Math.max(minute, Math.min(topic.retentionMs() / 4, Duration.ofDays(1).toMillis()));
        }
        return topic.minCompactionLagMs() > 0 ? Math.max(minute, Math.min(topic.minCompactionLagMs() / 6, hour)) : hour;
    }

    /** The topics could not be set up; the message says which broker answer or time limit failed. */
    public static final class TopicSetupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public TopicSetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
