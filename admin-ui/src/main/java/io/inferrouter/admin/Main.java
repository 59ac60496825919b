package io.inferrouter.admin;

import io.inferrouter.support.ServiceMain;

/** Runs admin-ui standalone: {@code [--config admin-ui.yaml]}, environment variables on top. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run(args, AdminConfig.SETTINGS, AdminConfig::from,
                (config, registry) -> AdminServer.start(config, registry, null));
    }
}
