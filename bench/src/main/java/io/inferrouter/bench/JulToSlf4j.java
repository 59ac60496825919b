package io.inferrouter.bench;

import io.helidon.logging.common.spi.LoggingProvider;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Helidon's logging setup for the servers a benchmark starts in its JVM: java.util.logging goes to SLF4J,
 * as {@link Main} already arranges. Without a provider on the class path Helidon prints "There is no
 * Helidon logging implementation on classpath" to stderr at every start; Helidon's own SLF4J module is
 * not among the build's dependencies, and this is all it would do here.
 */
public final class JulToSlf4j implements LoggingProvider {

    @Override
    public void initialization() {
        install();
    }

    @Override
    public void runTime() {
        install();
    }

    /** Routes java.util.logging to SLF4J, once per JVM. */
    static void install() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
