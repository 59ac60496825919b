package io.inferrouter.stream.app;

import io.inferrouter.support.ServiceMain;

/** Runs routing-stream standalone: {@code [--config routing-stream.yaml]}, environment variables on top. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run(args, RoutingStreamConfig.SETTINGS, RoutingStreamConfig::from, RoutingStreamServer::start);
    }
}
