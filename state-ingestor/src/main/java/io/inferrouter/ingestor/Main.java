package io.inferrouter.ingestor;

import io.inferrouter.support.ServiceMain;

/**
 * Runs state-ingestor standalone: {@code [--config ingestor.yaml]}, environment variables on top
 * ({@link IngestorConfig#SETTINGS} lists them). Exit status 2: bad configuration; 1: it could not start.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run(args, IngestorConfig.SETTINGS, IngestorConfig::from,
                (config, registry) -> StateIngestor.start(config, registry));
    }
}
