package io.inferrouter.admin.decisions;

import io.inferrouter.admin.api.AdminException;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.serde.JsonSerde;
import io.inferrouter.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replay: any window of the decisions topic read back in the order the requests arrived, and
 * copied on request into the replay topic, where a replay stays readable under its own id after
 * the window has aged out of a UI's memory. A decision is in a window when it was logged (its
 * record time, the end of its request) within it.
 */
public final class DecisionWindow {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionWindow.class);
    private static final Pattern REPLAY_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    public static final String HEADER_REPLAY_ID = "inferrouter.replay.id";
    public static final String HEADER_SOURCE_PARTITION = "inferrouter.replay.source-partition";
    public static final String HEADER_SOURCE_OFFSET = "inferrouter.replay.source-offset";

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final Producer<String, byte[]> producer;
    private final int maxRecords;
    private final JsonSerde<RoutingDecision> serde = new JsonSerde<>(RoutingDecision.class);
    /** How far past a window's end a partition is still read: gateways' clocks are not in step. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    private static final Duration SCAN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    public DecisionWindow(Supplier<Consumer<String, byte[]>> consumers, Producer<String, byte[]> producer,
                          int maxRecords) {
        this.consumers = consumers;
        this.producer = producer;
        this.maxRecords = maxRecords;
    }

    /** What a window read found: the decisions in arrival order, and whether more matched than were kept. */
    public record Window(String from, String to, List<LoggedDecision> decisions, boolean truncated, int unreadable) {
    }

    /** What a replay wrote. */
    public record Replay(String id, String topic, int records, boolean truncated) {
    }

    /**
     * The matching decisions logged in [from, to), oldest arrival first. At most the configured
     * maximum: when more match, the ones logged first are kept and {@code truncated} is set.
     */
    public Window read(Instant from, Instant to, DecisionFilter filter) {
        check(from, to);
        long fromMs = from.toEpochMilli();
        long toMs = to.toEpochMilli();
        Scan scan = scan(Topics.DECISIONS.name(), fromMs, toMs, (r, d) -> d != null && r.timestamp() < toMs
                && filter.test(d));
        List<LoggedDecision> found = new ArrayList<>(scan.kept());
        found.sort(Comparator.comparingLong(LoggedDecision::loggedAtMs));
        boolean truncated = scan.capped() || found.size() > maxRecords;
        if (found.size() > maxRecords) {
            found.subList(maxRecords, found.size()).clear();
        }
        found.sort(Comparator.comparingLong((LoggedDecision d) -> d.decision().receivedAtMs())
                .thenComparingLong(LoggedDecision::loggedAtMs));
        return new Window(from.toString(), to.toString(), List.copyOf(found), truncated, scan.unreadable());
    }

    /**
     * Copies a window into the replay topic, keyed {@code id/requestId}, each record with its
     * original timestamp and headers naming the replay and the source partition and offset.
     *
     * @param id the replay's id, or null for a generated one
     */
    public Replay replay(String id, Instant from, Instant to, DecisionFilter filter) {
        String replayId = id == null || id.isBlank() ? generatedId() : id.trim();
        if (!REPLAY_ID.matcher(replayId).matches()) {
            throw AdminException.badRequest("a replay id is 1-63 lowercase letters, digits and dashes, was '"
                    + replayId + "'");
        }
        Window window = read(from, to, filter);
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (LoggedDecision d : window.decisions()) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(HEADER_REPLAY_ID, replayId.getBytes(StandardCharsets.UTF_8));
            headers.add(HEADER_SOURCE_PARTITION, Integer.toString(d.partition()).getBytes(StandardCharsets.UTF_8));
            headers.add(HEADER_SOURCE_OFFSET, Long.toString(d.offset()).getBytes(StandardCharsets.UTF_8));
            sends.add(producer.send(new ProducerRecord<>(Topics.DECISIONS_REPLAY.name(), null, d.loggedAtMs(),
                    replayId + "/" + d.decision().requestId(), serde.serialize(Topics.DECISIONS_REPLAY.name(),
                    d.decision()), headers)));
        }
        producer.flush();
        long deadline = System.nanoTime() + SEND_TIMEOUT.toNanos();
        for (Future<RecordMetadata> f : sends) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("replay not fully written id={} records={} error={}", replayId, sends.size(), e.toString());
                throw new AdminException(503, "kafka_unavailable", "replay " + replayId + " was not fully written to "
                        + Topics.DECISIONS_REPLAY.name() + " (" + e.getMessage() + "); readers may see part of it,"
                        + " try again under a new id", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AdminException(503, "unavailable", "interrupted while writing replay " + replayId, e);
            }
        }
        LOG.info("replay written id={} topic={} records={} from={} to={} truncated={}", replayId,
                Topics.DECISIONS_REPLAY.name(), window.decisions().size(), from, to, window.truncated());
        return new Replay(replayId, Topics.DECISIONS_REPLAY.name(), window.decisions().size(), window.truncated());
    }

    /**
     * The decision of one request, anywhere in the topic's retention. The topic is keyed by request
     * id, so only the partition the producer hashed the id to is read. The gateway's own ids are
     * version 7 UUIDs that name their time: reading starts {@link #CLOCK_SKEW} before it and stops
     * {@code lookupSpan} after it (the record is written when the request ends). A client's own id
     * has no time: the partition is read from its start, at most {@code lookupMaxRecords} records.
     *
     * @param idTimeMs the time the id names, or -1
     * @return the first record of the id, or null when it is not there
     * @throws AdminException 504 when the scan passes its record limit or deadline without finding it
     */
    public LoggedDecision find(String requestId, long idTimeMs, Duration lookupSpan, int lookupMaxRecords) {
        String topic = Topics.DECISIONS.name();
        try (Consumer<String, byte[]> consumer = consumers.get()) {
            int partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).size();
            TopicPartition tp = new TopicPartition(topic,
                    Utils.toPositive(Utils.murmur2(requestId.getBytes(StandardCharsets.UTF_8))) % partitions);
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long stopAtMs = Long.MAX_VALUE;
            if (idTimeMs >= 0) {
                OffsetAndTimestamp at = consumer.offsetsForTimes(Map.of(tp, idTimeMs - CLOCK_SKEW.toMillis())).get(tp);
                if (at == null) {
                    return null;
                }
                consumer.seek(tp, at.offset());
                stopAtMs = idTimeMs + lookupSpan.toMillis() + CLOCK_SKEW.toMillis();
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
            long read = 0;
            long deadline = System.nanoTime() + SCAN_TIMEOUT.toNanos();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new AdminException(504, "timeout", "looking for request " + requestId + " in " + tp
                            + " took over " + SCAN_TIMEOUT.toSeconds() + " s (" + read + " records read)");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.timestamp() > stopAtMs) {
                        return null;
                    }
                    if (requestId.equals(r.key())) {
                        RoutingDecision d = decode(r);
                        if (d != null) {
                            return new LoggedDecision(r.partition(), r.offset(), r.timestamp(), d);
                        }
                    }
                    if (++read >= lookupMaxRecords) {
                        throw new AdminException(504, "lookup_limit", "request " + requestId + " is not in the first "
                                + read + " records of " + tp + " (the limit); ids the gateway made (version 7 UUIDs)"
                                + " are found at any age, a client's own id only this far back");
                    }
                }
            }
            return null;
        }
    }

    /** The decisions of one replay, in the order it was written; empty when there is no such replay. */
    public List<LoggedDecision> replayed(String id) {
        String prefix = id + "/";
        return scan(Topics.DECISIONS_REPLAY.name(), 0, Long.MAX_VALUE, (r, d) -> d != null && r.key() != null
                && r.key().startsWith(prefix)).kept();
    }

    private interface Keep {
        boolean test(ConsumerRecord<String, byte[]> record, RoutingDecision decisionOrNull);
    }

    private record Scan(List<LoggedDecision> kept, boolean capped, int unreadable) {
    }

    /**
     * Reads every partition from its first record at or after fromMs to its end as of the start,
     * or until it shows a record logged {@link #CLOCK_SKEW} past toMs (gateways' clocks differ, so
     * record times in one partition are only roughly ordered), or until it has kept the maximum.
     */
    private Scan scan(String topic, long fromMs, long toMs, Keep keep) {
        long stopAtMs = toMs >= Long.MAX_VALUE - CLOCK_SKEW.toMillis() ? Long.MAX_VALUE : toMs + CLOCK_SKEW.toMillis();
        List<LoggedDecision> kept = new ArrayList<>();
        boolean capped = false;
        int unreadable = 0;
        try (Consumer<String, byte[]> consumer = consumers.get()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, fromMs));
            Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(query);
            Set<TopicPartition> open = new HashSet<>();
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp at = start.get(tp);
                if (at != null && at.offset() < end.get(tp)) {
                    consumer.seek(tp, at.offset());
                    open.add(tp);
                }
            }
            consumer.pause(partitions.stream().filter(tp -> !open.contains(tp)).toList());
            Map<TopicPartition, Integer> keptPer = new HashMap<>();
            long deadline = System.nanoTime() + SCAN_TIMEOUT.toNanos();
            while (!open.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AdminException(504, "timeout", "reading " + topic + " took over "
                            + SCAN_TIMEOUT.toSeconds() + " s; narrow the window");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (!open.contains(tp)) {
                        continue;
                    }
                    if (r.timestamp() >= stopAtMs) {
                        close(consumer, open, tp);
                        continue;
                    }
                    RoutingDecision d = decode(r);
                    if (d == null && r.value() != null) {
                        unreadable++;
                    }
                    if (keep.test(r, d)) {
                        kept.add(new LoggedDecision(r.partition(), r.offset(), r.timestamp(), d));
                        if (keptPer.merge(tp, 1, Integer::sum) >= maxRecords) {
                            capped = true;
                            close(consumer, open, tp);
                            continue;
                        }
                    }
                    if (r.offset() + 1 >= end.get(tp)) {
                        close(consumer, open, tp);
                    }
                }
                for (TopicPartition tp : List.copyOf(open)) {
                    if (consumer.position(tp) >= end.get(tp)) {
                        close(consumer, open, tp);
                    }
                }
            }
        }
        return new Scan(List.copyOf(kept), capped, unreadable);
    }

    private static void close(Consumer<String, byte[]> consumer, Set<TopicPartition> open, TopicPartition tp) {
        open.remove(tp);
        consumer.pause(List.of(tp));
    }

    private RoutingDecision decode(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        try {
            return serde.deserialize(r.topic(), r.value());
        } catch (SerializationException e) {
            LOG.warn("unreadable decision skipped topic={} partition={} offset={} error={}", r.topic(), r.partition(),
                    r.offset(), e.getMessage());
            return null;
        }
    }

    private static void check(Instant from, Instant to) {
        if (from == null || to == null) {
            throw AdminException.badRequest("a window needs 'from' and 'to' (ISO-8601 instants or epoch milliseconds)");
        }
        if (!from.isBefore(to)) {
            throw AdminException.badRequest("'from' (" + from + ") must be before 'to' (" + to + ")");
        }
    }

    private static String generatedId() {
        return "r-" + Long.toString(System.currentTimeMillis(), 36) + "-"
                + Integer.toString(java.util.concurrent.ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    }
}
