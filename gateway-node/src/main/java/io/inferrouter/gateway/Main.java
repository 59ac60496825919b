package io.inferrouter.gateway;

import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.support.ServiceMain;

/** Runs gateway-node standalone: {@code [--config gateway.yaml]}, environment variables on top. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run(args, GatewayConfig.SETTINGS, GatewayConfig::from,
                (config, registry) -> GatewayServer.start(config, registry));
    }
}
