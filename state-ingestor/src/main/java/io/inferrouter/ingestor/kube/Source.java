package io.inferrouter.ingestor.kube;

/** Where resources come from: a cluster's informers, or a directory of manifests. */
public interface Source extends AutoCloseable {

    /** True once the first full listing has been applied. */
    boolean synced();

    @Override
    void close();
}
