package io.inferrouter.stream.query;

import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.serde.MalformedRecordException;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.TableKeys;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.stream.query.TablesAsOf.Kept;
import io.inferrouter.stream.query.TablesAsOf.PartitionRead;
import io.inferrouter.support.TopicSetup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pool's routing table as it was at a past instant, so that a recorded routing decision can be read
 * against the table it saw. The state stores hold only the present, so this reads the table topics that
 * the topology writes ({@code tables.pools}, {@code tables.models}, {@code tables.objectives},
 * {@code tables.rewrites}, {@code tables.endpoints}): a plain consumer per query (assign and seek, no
 * group), every partition from its beginning up to its first record stamped after the instant or the end
 * offset found when the query started; {@link TablesAsOf} keeps the last record of each key. Any instance
 * answers, whatever it owns, and whether or not its Streams client is running.
 *
 * <p>The answer has the live answer's shape plus {@code asOf}. Bounded per query: at most
 * {@code maxRecords} records read (else 422) within {@code timeout} (else 504). Compaction keeps every
 * version of a row only for its topic's {@code min.compaction.lag.ms}; for an older instant rows may be
 * missing, and {@code asOf} says so ({@code complete: false} and a warning per topic).
 */
public final class PoolHistory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PoolHistory.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static final String POOLS = Topics.TABLE_POOLS.name();
    private static final String ENDPOINTS = Topics.TABLE_ENDPOINTS.name();
    /** The topics of the live pool answer, in the order of its fields. */
    private static final List<Topic<String, ?>> TOPICS = List.of(Topics.TABLE_POOLS, Topics.TABLE_MODELS,
            Topics.TABLE_OBJECTIVES, Topics.TABLE_REWRITES, Topics.TABLE_ENDPOINTS);

    /**
     * What an as-of answer is made of.
     *
     * @param at             the instant asked for
     * @param newestRecordAt the time of the newest record among those the answer's rows come from
     * @param recordsScanned records read from the table topics
     * @param complete       false when rows of that instant may be missing (see {@code warnings})
     * @param warnings       why the answer may be incomplete: topics whose kept history does not reach
     *                       back to {@code at}, unreadable records
     * @param partitions     how far each partition was read
     */
    record AsOf(String at, String newestRecordAt, long recordsScanned, boolean complete, List<String> warnings,
                List<PartitionRead> partitions) {
    }

    private final String bootstrapServers;
    private final int maxRecords;
    private final Duration timeout;
    private final Clock clock;
    private final Admin admin;

    /**
     * @param maxRecords records one query may read at most
     * @param timeout    how long one query may take at most
     */
    public PoolHistory(String bootstrapServers, int maxRecords, Duration timeout, Clock clock) {
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be >= 1, was " + maxRecords);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.maxRecords = maxRecords;
        this.timeout = timeout;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.admin = TopicSetup.admin(bootstrapServers, timeout);
    }

    /**
     * The instant a query's {@code at} parameter names.
     *
     * @throws IllegalArgumentException when it is not an RFC 3339 time or is in the future (a 400)
     */
    public Instant at(String raw) {
        return AtParameter.parse(raw, clock.instant());
    }

    /**
     * The pool as {@code GET /v1/pools/{namespace}/{name}} would have answered at {@code at}: {@code pool},
     * {@code models}, {@code objectives}, {@code rewrites}, {@code endpoints}, and {@code asOf}.
     *
     * @throws HistoryException          404 when the pool had no row at that time, 422 or 504 past the limits
     * @throws QueryUnavailableException when Kafka fails otherwise
     */
    public Map<String, Object> poolAt(ResourceKey pool, Instant at) {
        Instant started = clock.instant();
        Budget budget = new Budget(pool, at, System.nanoTime() + timeout.toNanos());
        KafkaFuture<Map<ConfigResource, Config>> configs = admin.describeConfigs(TOPICS.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList()).all();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            TablesAsOf tables = read(consumer, at, wanted(pool), budget);
            Map<String, Long> lags = compactionLags(configs, budget);
            Kept poolRow = tables.last(POOLS, pool.toString());
            if (poolRow == null || poolRow.deleted()) {
                throw absent(consumer, tables, pool, at, poolRow, historyWarning(POOLS, lags, at, started), budget);
            }
            Map<String, Object> body = answer(tables, pool, at, poolRow, lags, started, budget);
            LOG.info("pool read as of an instant pool={} at={} records={} ms={}", pool, at, budget.scanned,
                    Duration.between(started, clock.instant()).toMillis());
            return body;
        } catch (TimeoutException e) {
            throw budget.timedOut("Kafka at " + bootstrapServers + " did not answer: " + e.getMessage());
        } catch (KafkaException e) {
            throw new QueryUnavailableException("cannot read the table topics at " + bootstrapServers + ": "
                    + e.getMessage(), e);
        }
    }

    /** Which keys the answer needs: the pool's row and endpoint rows; every model, objective and rewrite row. */
    private static BiPredicate<String, String> wanted(ResourceKey pool) {
        String key = pool.toString();
        String endpoints = TableKeys.prefix(pool);
        return (topic, k) -> {
            if (topic.equals(POOLS)) {
                return k.equals(key);
            }
            if (topic.equals(ENDPOINTS)) {
                return k.startsWith(endpoints);
            }
            return true;
        };
    }

    private TablesAsOf read(KafkaConsumer<String, byte[]> consumer, Instant at, BiPredicate<String, String> wanted,
                            Budget budget) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topic<String, ?> topic : TOPICS) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), budget.remaining());
            if (infos == null || infos.isEmpty()) {
                throw new QueryUnavailableException("topic " + topic.name() + " does not exist at " + bootstrapServers
                        + "; routing-stream creates it when it starts", null);
            }
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        }
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, budget.remaining());
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, budget.remaining());
        TablesAsOf tables = new TablesAsOf(at, begin, end, wanted);
        consumer.assign(partitions);
        partitions.forEach(tp -> consumer.seek(tp, begin.get(tp)));
        consumer.pause(partitions.stream().filter(tables::finished).toList());
        while (!tables.allFinished()) {
            ConsumerRecords<String, byte[]> records = consumer.poll(budget.nextPoll());
            for (TopicPartition tp : records.partitions()) {
                for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                    if (tables.finished(tp)) {
                        break;
                    }
                    budget.count(r.topic());
                    if (!tables.offer(r)) {
                        consumer.pause(List.of(tp));
                    }
                }
            }
            for (TopicPartition tp : tables.unfinished()) {
                tables.reached(tp, consumer.position(tp, budget.remaining()));
                if (tables.finished(tp)) {
                    consumer.pause(List.of(tp));
                }
            }
        }
        return tables;
    }

    private Map<String, Object> answer(TablesAsOf tables, ResourceKey pool, Instant at, Kept poolRow,
                                       Map<String, Long> lags, Instant started, Budget budget) {
        List<Kept> used = new ArrayList<>(List.of(poolRow));
        List<String> warnings = new ArrayList<>();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pool", poolRow(poolRow));
        body.put("models", rows(tables, Topics.TABLE_MODELS, ModelRow::pool, pool, used, warnings));
        body.put("objectives", rows(tables, Topics.TABLE_OBJECTIVES, ObjectiveRow::pool, pool, used, warnings));
        body.put("rewrites", rows(tables, Topics.TABLE_REWRITES, RewriteRow::pool, pool, used, warnings));
        List<EndpointRow> endpoints = new ArrayList<>(rows(tables, Topics.TABLE_ENDPOINTS, EndpointRow::pool, pool,
                used, warnings));
        endpoints.sort(Comparator.comparing(EndpointRow::endpoint));
        body.put("endpoints", endpoints);
        for (Topic<String, ?> topic : TOPICS) {
            String warning = historyWarning(topic.name(), lags, at, started);
            if (warning != null) {
                warnings.add(warning);
            }
        }
        OptionalLong newest = TablesAsOf.newest(used);
        body.put("asOf", new AsOf(at.toString(), newest.isPresent() ? Instant.ofEpochMilli(newest.getAsLong()).toString()
                : null, budget.scanned, warnings.isEmpty(), List.copyOf(warnings), tables.partitions()));
        return body;
    }

    private static PoolRow poolRow(Kept k) {
        try {
            return Topics.TABLE_POOLS.valueSerde().deserializer().deserialize(POOLS, k.value());
        } catch (MalformedRecordException e) {
            throw new IllegalStateException("the row of pool " + k.key() + " at " + POOLS + " partition "
                    + k.partition() + " offset " + k.offset() + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** The kept rows of a topic that belong to the pool; unreadable ones are counted in a warning and skipped. */
    private static <R> List<R> rows(TablesAsOf tables, Topic<String, R> topic, Function<R, ResourceKey> poolOf,
                                    ResourceKey pool, List<Kept> used, List<String> warnings) {
        List<R> out = new ArrayList<>();
        int unreadable = 0;
        for (Kept k : tables.rows(topic.name())) {
            R row;
            try {
                row = topic.valueSerde().deserializer().deserialize(topic.name(), k.value());
            } catch (MalformedRecordException e) {
                unreadable++;
                LOG.warn("skipping unreadable table row topic={} partition={} offset={} key={} reason={}",
                        k.topic(), k.partition(), k.offset(), k.key(), e.getMessage());
                continue;
            }
            if (pool.equals(poolOf.apply(row))) {
                out.add(row);
                used.add(k);
            }
        }
        if (unreadable > 0) {
            warnings.add(unreadable + " unreadable record(s) of " + topic.name() + " skipped; they may have been "
                    + "rows of this pool (see the log)");
        }
        return out;
    }

    /**
     * Null when compaction has kept every version of {@code topic} since {@code at}: the broker compacts
     * only segments whose newest record is older than the lag, so the last version of a key at or before
     * an instant within the lag is never removed.
     */
    private static String historyWarning(String topic, Map<String, Long> lags, Instant at, Instant started) {
        Long lagMs = lags.get(topic);
        if (lagMs == null) {
            return "min.compaction.lag.ms of " + topic + " could not be read, so whether its versions of that time"
                    + " were kept is unknown";
        }
        if (!at.isBefore(started.minusMillis(lagMs))) {
            return null;
        }
        String kept = lagMs == 0 ? " has no min.compaction.lag.ms, so compaction may drop any version a newer one"
                + " replaced" : " keeps every version only for " + Duration.ofMillis(lagMs) + " (min.compaction.lag.ms)";
        return topic + kept + "; " + at + " is older, so rows of that time may be missing";
    }

    /** Each topic's {@code min.compaction.lag.ms} as the broker has it; a topic it could not say is left out. */
    private Map<String, Long> compactionLags(KafkaFuture<Map<ConfigResource, Config>> configs, Budget budget) {
        Map<String, Long> lags = new HashMap<>();
        try {
            Map<ConfigResource, Config> described = configs.get(budget.remaining().toNanos(), TimeUnit.NANOSECONDS);
            described.forEach((resource, config) -> {
                var lag = config.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
                if (lag != null && lag.value() != null) {
                    lags.put(resource.name(), Long.parseLong(lag.value()));
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryUnavailableException("interrupted while reading the table topics' configs", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw budget.timedOut("Kafka at " + bootstrapServers + " did not describe the table topics in time");
        } catch (ExecutionException e) {
            LOG.warn("cannot read the table topics' min.compaction.lag.ms error={}", e.getCause().toString());
        }
        return lags;
    }

    /**
     * The 404 for a pool with no row at {@code at}: deleted before it, created after it (its first row
     * after the instant is looked for), or perhaps compacted away when the instant is older than the
     * history kept.
     */
    private HistoryException absent(KafkaConsumer<String, byte[]> consumer, TablesAsOf tables, ResourceKey pool,
                                    Instant at, Kept tombstone, String historyWarning, Budget budget) {
        String message = "pool " + pool + " did not exist at " + at;
        if (tombstone != null) {
            return HistoryException.notFound(message + ": it was deleted at " + Instant.ofEpochMilli(tombstone.timestampMs())
                    + " (" + POOLS + " partition " + tombstone.partition() + " offset " + tombstone.offset() + ")");
        }
        message += ": " + POOLS + " has no row of it at or before that time";
        OptionalLong first = firstRowAfter(consumer, tables, pool.toString(), budget);
        if (first.isEmpty()) {
            return HistoryException.notFound(message + ", nor after it");
        }
        Instant firstAt = Instant.ofEpochMilli(first.getAsLong());
        if (historyWarning == null) {
            return HistoryException.notFound(message + "; it was created later: its first row is from " + firstAt);
        }
        return HistoryException.notFound(message + "; its earliest kept row is from " + firstAt + ", but "
                + historyWarning + ": it may have existed then");
    }

    /** The time of the pool's first row after where {@link #read} stopped, up to the end offsets it found. */
    private OptionalLong firstRowAfter(KafkaConsumer<String, byte[]> consumer, TablesAsOf tables, String key,
                                       Budget budget) {
        consumer.pause(consumer.assignment());
        for (PartitionRead p : tables.partitions()) {
            if (!p.topic().equals(POOLS) || p.readUpTo() >= p.endOffset()) {
                continue;
            }
            TopicPartition tp = new TopicPartition(p.topic(), p.partition());
            consumer.seek(tp, p.readUpTo());
            consumer.resume(List.of(tp));
            long position = p.readUpTo();
            while (position < p.endOffset()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(budget.nextPoll()).records(tp)) {
                    if (r.offset() >= p.endOffset()) {
                        break;
                    }
                    budget.count(r.topic());
                    if (key.equals(r.key()) && r.value() != null) {
                        return OptionalLong.of(r.timestamp());
                    }
                }
                position = consumer.position(tp, budget.remaining());
            }
            consumer.pause(List.of(tp));
        }
        return OptionalLong.empty();
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "routing-stream-history-" + CLIENTS.incrementAndGet());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // With exactly_once_v2 the topology writes in transactions: an aborted row was never in the table.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        // Larger fetches than the 1 MiB default: a query reads whole partitions as fast as it can.
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }

    /** The limits of one query: records read, and time. */
    private final class Budget {
        private final ResourceKey pool;
        private final Instant at;
        private final long deadlineNanos;
        private final Map<String, Long> byTopic = new TreeMap<>();
        private long scanned;

        Budget(ResourceKey pool, Instant at, long deadlineNanos) {
            this.pool = pool;
            this.at = at;
            this.deadlineNanos = deadlineNanos;
        }

        void count(String topic) {
            scanned++;
            byTopic.merge(topic, 1L, Long::sum);
            if (scanned > maxRecords) {
                throw HistoryException.tooLarge("rebuilding pool " + pool + " as of " + at + " needs more than "
                        + maxRecords + " records of the table topics (read so far " + byTopic + "); raise "
                        + "history.max-records (ROUTING_STREAM_HISTORY_MAX_RECORDS), or ask for an earlier time, "
                        + "up to which less of each topic is read");
            }
        }

        Duration remaining() {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw timedOut("the time allowed ran out");
            }
            return Duration.ofNanos(left);
        }

        Duration nextPoll() {
            Duration left = remaining();
            return left.compareTo(POLL) < 0 ? left : POLL;
        }

        HistoryException timedOut(String why) {
            return HistoryException.timeout("rebuilding pool " + pool + " as of " + at + " took over " + timeout
                    + " (" + why + "; " + scanned + " records read " + byTopic + "); raise history.timeout "
                    + "(ROUTING_STREAM_HISTORY_TIMEOUT), or ask for an earlier time, up to which less is read");
        }
    }
}
