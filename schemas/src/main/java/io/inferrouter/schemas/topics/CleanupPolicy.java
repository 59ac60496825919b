package io.inferrouter.schemas.topics;

/** Kafka's {@code cleanup.policy} values this project uses. */
public enum CleanupPolicy {
    /** Keep the latest value per key forever; a null value (tombstone) deletes the key. */
    COMPACT("compact"),
    /** Keep everything for the retention time. */
    DELETE("delete"),
    /** Keep the latest value per key, but only for the retention time. */
    COMPACT_DELETE("compact,delete");

    private final String config;

    CleanupPolicy(String config) {
        this.config = config;
    }

    /** The value of the {@code cleanup.policy} topic config. */
    public String config() {
        return config;
    }
}
