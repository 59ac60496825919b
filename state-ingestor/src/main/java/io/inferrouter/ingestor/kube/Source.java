package io.inferrouter.ingestor.kube;

/** Where resources come from: a cluster's informers, or a directory of manifests. */
public interface Source extends AutoCloseable {

    /** True once the first full listing has been applied. */
    boolean synced();

    /** A short state for /ready and logs, e.g. {@code informers=7 synced=7 watching=7}. */
    String describe();

    @Override
    void close();
}
