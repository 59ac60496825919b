package io.inferrouter.support;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the Helidon {@link Config}: an optional YAML file named by {@code --config FILE}, with the
 * documented environment variables on top (they win). Services reach it through {@link Settings}.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    public static Config load(List<String> args, Map<String, String> env, Map<String, String> envToKey) {
        return load(args, env, envToKey, Map.of());
    }

    static Config load(List<String> args, Map<String, String> env, Map<String, String> envToKey,
                       Map<String, String> keys) {
        Path file = null;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--config")) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("--config needs a file name");
                }
                file = Path.of(args.get(i + 1));
                i++;
            } else {
                throw new IllegalArgumentException("unknown argument '" + args.get(i) + "' (usage: [--config FILE])");
            }
        }
        if (file != null && !Files.isReadable(file)) {
            throw new IllegalArgumentException("config file " + file.toAbsolutePath() + " does not exist or is not readable");
        }
        Map<String, String> fromEnv = new HashMap<>(keys);
        envToKey.forEach((var, key) -> {
            String value = env.get(var);
            if (value != null && !value.isBlank()) {
                fromEnv.put(key, value);
            }
        });
        var builder = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(fromEnv));
        if (file != null) {
            builder.addSource(ConfigSources.file(file));
        }
        return builder.build();
    }
}
