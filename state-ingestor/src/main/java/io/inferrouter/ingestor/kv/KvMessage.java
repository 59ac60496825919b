package io.inferrouter.ingestor.kv;

import java.util.zip.CRC32C;

/**
 * One batch of an endpoint's KV events as received, live or replayed: its sequence number, the msgpack
 * payload (decoded only when the batch is applied, so a duplicate costs nothing and a bad one is
 * reported once), and a digest of it, which tells a restarted pod's batch {@code n} from the old
 * process's.
 *
 * @param receivedAtMs  wall-clock time of receipt, the record's {@code observedAtMs}
 * @param receivedNanos {@link System#nanoTime()} at receipt, for the receipt-to-acknowledgement latency
 * @param replayed      whether it came from the replay socket
 */
record KvMessage(long seq, byte[] payload, long digest, long receivedAtMs, long receivedNanos, boolean replayed) {

    static KvMessage of(long seq, byte[] payload, long receivedAtMs, long receivedNanos, boolean replayed) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return new KvMessage(seq, payload, ((long) payload.length << 32) ^ crc.getValue(), receivedAtMs, receivedNanos,
                replayed);
    }
}
