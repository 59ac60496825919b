package io.inferrouter.ingestor.files;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.inferrouter.ingestor.kube.ResourceEvents;
import io.inferrouter.ingestor.kube.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same resources read from a directory of YAML manifests (multi-document files), for running
 * without a cluster. The directory is re-read when a file changes, appears or goes; objects that
 * disappeared are deleted (tombstoned) as a watch would report them. A file that does not parse is
 * logged and its objects are kept as they were, so a half-saved edit loses nothing.
 */
public final class FileSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(FileSource.class);

    private final Path dir;
    private final ResourceEvents events;
    private final KubernetesSerialization yaml = new KubernetesSerialization();
    private final Map<Path, Long> stamps = new HashMap<>();
    private final Map<Path, List<HasMetadata>> byFile = new HashMap<>();
    private final Thread poller;
    private volatile boolean synced;
    private volatile boolean running = true;

    public FileSource(Path dir, ResourceEvents events, Duration pollInterval) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("file-source directory " + dir.toAbsolutePath() + " does not exist");
        }
        this.dir = dir;
        this.events = events;
        rescan();
        synced = true;
        this.poller = Thread.ofPlatform().daemon().name("file-source").start(() -> {
            while (running) {
                try {
                    Thread.sleep(pollInterval.toMillis());
                    rescan();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("file source rescan failed dir={} error={}", dir, e.toString());
                }
            }
        });
    }

    @Override
    public boolean synced() {
        return synced;
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
    }

    /** Applies what changed in the directory since the last scan. */
    void rescan() {
        Map<Path, Long> now = new HashMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            // kustomization.yaml files describe how to build manifests; they are not objects.
            for (Path p : walk.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .filter(f -> !f.getFileName().toString().startsWith("kustomization.")).toList()) {
                now.put(p, Files.getLastModifiedTime(p).toMillis() ^ Files.size(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        if (now.equals(stamps)) {
            return;
        }
        Map<Path, List<HasMetadata>> next = new HashMap<>();
        for (Path p : now.keySet()) {
            if (now.get(p).equals(stamps.get(p))) {
                next.put(p, byFile.get(p));
                continue;
            }
            try {
                next.put(p, read(p));
            } catch (IOException | RuntimeException e) {
                LOG.warn("manifest not applied file={} reason={}", p, e.getMessage());
                next.put(p, byFile.getOrDefault(p, List.of()));
            }
        }
        Map<String, HasMetadata> before = index(byFile);
        Map<String, HasMetadata> after = index(next);
        before.forEach((id, o) -> {
            if (!after.containsKey(id)) {
                events.deleted(o);
            }
        });
        after.values().forEach(events::upserted);
        byFile.clear();
        byFile.putAll(next);
        stamps.clear();
        stamps.putAll(now);
        LOG.info("manifests applied dir={} files={} objects={}", dir, now.size(), after.size());
    }

    private List<HasMetadata> read(Path file) throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        String text = Files.readString(file);
        for (String doc : text.split("(?m)^---\\s*$")) {
            if (doc.isBlank() || doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
                continue;
            }
            Object parsed = yaml.unmarshal(doc);
            if (parsed instanceof KubernetesList list) {
                out.addAll(list.getItems());
            } else if (parsed instanceof HasMetadata o) {
                out.add(o);
            }
        }
        return out;
    }

    private static Map<String, HasMetadata> index(Map<Path, List<HasMetadata>> files) {
        Map<String, HasMetadata> out = new HashMap<>();
        files.values().forEach(list -> list.forEach(o -> out.put(o.getApiVersion() + "|" + o.getKind() + "|"
                + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName(), o)));
        return out;
    }
}
