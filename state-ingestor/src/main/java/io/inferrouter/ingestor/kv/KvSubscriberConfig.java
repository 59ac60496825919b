package io.inferrouter.ingestor.kv;

import io.helidon.config.Config;
import io.inferrouter.ingestor.state.KvEventsPorts;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.support.Durations;
import io.inferrouter.support.Setting;
import java.time.Duration;

/**
 * How state-ingestor follows vLLM's KV events; part of {@code IngestorConfig}, each component with its
 * {@link Setting} beside it.
 *
 * @param enabled          subscribe at all
 * @param port             the PUB port of an endpoint whose pod and pool have no annotation
 * @param replayPort       the replay port likewise, 0 for none
 * @param snapshotInterval how often each endpoint's blocks are published whole; at most half the
 *                         topic's retention, so a reader starting anywhere in it finds a snapshot
 * @param replayTimeout    how long to wait for a replay answer (or its next part) before asking again
 * @param replayAttempts   replay requests before a gap counts as not recoverable
 */
public record KvSubscriberConfig(boolean enabled, int port, int replayPort, Duration snapshotInterval,
                                 Duration replayTimeout, int replayAttempts) {

    public static final Setting<Boolean> ENABLED = Setting.flag("kv-events.enabled", "INGESTOR_KV_EVENTS", true,
            "subscribe to every endpoint's vLLM KV events and publish them to `kv.events`");
    public static final Setting<Integer> PORT = Setting.integer("kv-events.port", "INGESTOR_KV_EVENTS_PORT",
            5557, "KV-event PUB port where neither the pod nor its pool has the annotation `"
                    + KvEventsPorts.PORT_ANNOTATION + "`; the pool's i-th target port adds i");
    public static final Setting<Integer> REPLAY_PORT = Setting.integer("kv-events.replay-port",
            "INGESTOR_KV_EVENTS_REPLAY_PORT", 5558, "replay ROUTER port likewise (annotation `"
                    + KvEventsPorts.REPLAY_PORT_ANNOTATION + "`); 0: no replays, a gap is a reset");
    public static final Setting<Duration> SNAPSHOT_INTERVAL = Setting.duration("kv-events.snapshot-interval",
            "INGESTOR_KV_SNAPSHOT_INTERVAL", Duration.ofMinutes(5),
            "how often each endpoint's blocks are published whole (at most half of `kv.events`' retention)");
    public static final Setting<Duration> REPLAY_TIMEOUT = Setting.duration("kv-events.replay-timeout",
            "INGESTOR_KV_REPLAY_TIMEOUT", Duration.ofSeconds(1), "wait for a replay's answer before asking again");
    public static final Setting<Integer> REPLAY_ATTEMPTS = Setting.integer("kv-events.replay-attempts",
            "INGESTOR_KV_REPLAY_ATTEMPTS", 3, "replay requests before a gap counts as not recoverable (a reset)");

    public KvSubscriberConfig {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(PORT.label() + " must be 1-65535, was " + port);
        }
        if (replayPort < 0 || replayPort > 65535) {
            throw new IllegalArgumentException(REPLAY_PORT.label() + " must be 0-65535 (0: no replays), was "
                    + replayPort);
        }
        if (replayPort == port) {
            throw new IllegalArgumentException(REPLAY_PORT.label() + " must differ from " + PORT.label()
                    + ", both were " + port);
        }
        positive(snapshotInterval, SNAPSHOT_INTERVAL);
        Duration limit = Topics.KV_EVENTS.retention().dividedBy(2);
        if (snapshotInterval.compareTo(limit) > 0) {
            throw new IllegalArgumentException(SNAPSHOT_INTERVAL.label() + " must be at most " + Durations.format(limit)
                    + " (half the retention of " + Topics.KV_EVENTS.name() + ", so a reader starting anywhere in it "
                    + "finds every endpoint's latest snapshot), was " + Durations.format(snapshotInterval));
        }
        positive(replayTimeout, REPLAY_TIMEOUT);
        if (replayAttempts < 1) {
            throw new IllegalArgumentException(REPLAY_ATTEMPTS.label() + " must be >= 1, was " + replayAttempts);
        }
    }

    public static KvSubscriberConfig from(Config c) {
        return new KvSubscriberConfig(ENABLED.from(c), PORT.from(c), REPLAY_PORT.from(c), SNAPSHOT_INTERVAL.from(c),
                REPLAY_TIMEOUT.from(c), REPLAY_ATTEMPTS.from(c));
    }

    /** The ports an endpoint gets when neither its pod nor its pool says. */
    public KvEventsPorts defaults() {
        return new KvEventsPorts(port, replayPort);
    }

    private static void positive(Duration d, Setting<Duration> setting) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(setting.label() + " must be a positive duration, was " + d);
        }
    }
}
