package io.inferrouter.stream.tables;

/**
 * One change the control-plane rules produce: a new row (or a tombstone when {@code row} is null)
 * for one output table.
 */
public record TableChange(Table table, String key, Object row) {

    /** The tables the control-plane rules write. */
    public enum Table {
        POOLS, MODELS, OBJECTIVES, REWRITES, ROUTES, MEMBERSHIP
    }

    public static TableChange upsert(Table table, String key, Object row) {
        return new TableChange(table, key, row);
    }

    public static TableChange tombstone(Table table, String key) {
        return new TableChange(table, key, null);
    }
}
