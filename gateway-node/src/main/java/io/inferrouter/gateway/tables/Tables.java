package io.inferrouter.gateway.tables;

/** Where the request path gets its routing tables: the Kafka-fed {@link TableReplica} in production. */
public interface Tables {

    /** The current snapshot; never null. */
    RoutingSnapshot current();

    /** True once the tables are complete enough to route (caught up with Kafka at start). */
    boolean ready();

    /** Time of the last successful exchange with the source of the tables, epoch ms. */
    long lastContactMs();
}
