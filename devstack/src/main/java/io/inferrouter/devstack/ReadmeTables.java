package io.inferrouter.devstack;

import io.inferrouter.admin.AdminConfig;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.ingestor.IngestorConfig;
import io.inferrouter.schemas.topics.CatalogueMarkdown;
import io.inferrouter.stream.app.RoutingStreamConfig;
import io.inferrouter.support.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./dev readme}: writes every generated block of README.md from the code (the topic catalogue and
 * each service's settings). The tests that compare those blocks with the code name this command.
 */
public final class ReadmeTables {

    private ReadmeTables() {
    }

    /** Every generated block: marker name to its text. */
    public static Map<String, String> blocks() {
        Map<String, String> blocks = new LinkedHashMap<>();
        blocks.put("topic-catalogue", CatalogueMarkdown.render());
        blocks.put(DevstackConfig.SETTINGS.marker(), DevstackConfig.SETTINGS.markdownFlags());
        blocks.put(io.inferrouter.sim.Main.SETTINGS.marker(), io.inferrouter.sim.Main.SETTINGS.markdownFlags());
        for (Settings s : new Settings[] {IngestorConfig.SETTINGS, RoutingStreamConfig.SETTINGS,
                GatewayConfig.SETTINGS, AdminConfig.SETTINGS}) {
            blocks.put(s.marker(), s.markdown());
        }
        return blocks;
    }

    /** The file with every block replaced; a missing marker is an error naming it. */
    static String rewrite(String text) {
        for (Map.Entry<String, String> e : blocks().entrySet()) {
            String begin = "<!-- " + e.getKey() + ":begin -->";
            String end = "<!-- " + e.getKey() + ":end -->";
            int from = text.indexOf(begin);
            int to = text.indexOf(end);
            if (from < 0 || to < from) {
                throw new IllegalStateException("README.md has no block " + begin + " ... " + end);
            }
            text = text.substring(0, from + begin.length()) + "\n" + e.getValue() + text.substring(to);
        }
        return text;
    }

    public static void main(String[] args) throws IOException {
        Path readme = Path.of(args.length > 0 ? args[0] : "README.md");
        String before = Files.readString(readme);
        String after = rewrite(before);
        if (after.equals(before)) {
            System.out.println(readme + ": every generated block is up to date");
        } else {
            Files.writeString(readme, after);
            System.out.println(readme + ": generated blocks rewritten");
        }
    }
}
