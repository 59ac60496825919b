package io.inferrouter.ingestor.files;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.inferrouter.ingestor.kube.Kinds;
import io.inferrouter.ingestor.kube.ResourceEvents;
import io.inferrouter.ingestor.kube.ResourceMapper;
import io.inferrouter.ingestor.kube.Source;
import io.inferrouter.schemas.resources.ResourceKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same resources read from a directory of YAML manifests (multi-document files, {@code List}
 * objects, subdirectories), for running without a cluster. The directory is polled; a file whose
 * content changed, appeared or went is re-read, and objects that disappeared are deleted
 * (tombstoned) as a watch would report them. A file that does not parse is logged and its objects
 * are kept as they were, so a half-saved edit loses nothing. One object that cannot become a record
 * does not hold back the rest of its file: an object whose namespace and name make no key is counted
 * as unmappable, logged and skipped, and objects the mapper refuses are handled as from a watch (see
 * {@link ResourceEvents}). Objects of kinds the ingestor does not read (Namespaces, CRDs, Deployments)
 * are ignored; with a namespace list, so are objects of other namespaces (an object without a
 * namespace is in {@code default}).
 */
public final class FileSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(FileSource.class);

    /** One object of the manifests: the same key may name objects of several kinds. */
    private record ObjectId(String apiVersion, String kind, ResourceKey key) {
    }

    private final Path dir;
    private final ResourceEvents events;
    private final KubernetesSerialization yaml = new KubernetesSerialization();
    private final List<String> namespaces;
    private final Map<Path, String> stamps = new HashMap<>();
    private final Map<Path, List<HasMetadata>> byFile = new HashMap<>();
    private final Thread poller;
    private volatile boolean synced;
    private volatile int files;
    private volatile boolean running = true;

    public FileSource(Path dir, List<String> namespaces, ResourceEvents events, Duration pollInterval) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("files.dir " + dir.toAbsolutePath() + " is not a directory");
        }
        this.dir = dir;
        this.namespaces = List.copyOf(namespaces);
        this.events = events;
        rescan();
        synced = true;
        this.poller = Thread.ofPlatform().daemon().name("file-source").start(() -> {
            while (running) {
                try {
                    Thread.sleep(pollInterval);
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
    public String describe() {
        return "files=" + files + " dir=" + dir;
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
    }

    /** Applies what changed in the directory since the last scan. */
    void rescan() {
        Map<Path, String> now = new HashMap<>();
        Map<Path, String> texts = new HashMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            // kustomization.yaml files describe how to build manifests; they are not objects.
            for (Path p : walk.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .filter(f -> !f.getFileName().toString().startsWith("kustomization.")).toList()) {
                try {
                    // By content, not modification time: an edit within the clock's granularity counts too.
                    String text = Files.readString(p);
                    texts.put(p, text);
                    now.put(p, digest(text));
                } catch (NoSuchFileException gone) {
                    // Removed between listing and reading: it is gone.
                }
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
                next.put(p, read(p, texts.get(p)));
            } catch (RuntimeException e) {
                LOG.warn("manifest not applied file={} reason={}", p, e.getMessage());
                next.put(p, byFile.getOrDefault(p, List.of()));
            }
        }
        Map<ObjectId, HasMetadata> before = index(byFile);
        Map<ObjectId, HasMetadata> after = index(next);
        before.forEach((id, o) -> {
            if (!after.containsKey(id)) {
                events.deleted(o);
            }
        });
        after.values().forEach(events::upserted);
        int before0 = before.size();
        byFile.clear();
        byFile.putAll(next);
        stamps.clear();
        stamps.putAll(now);
        files = now.size();
        LOG.info("manifests applied dir={} files={} objects={} previously={}", dir, now.size(), after.size(), before0);
    }

    /** The file's objects that have a key; those without one are reported once the whole file has parsed. */
    private List<HasMetadata> read(Path file, String text) {
        List<HasMetadata> out = new ArrayList<>();
        List<HasMetadata> withoutKey = new ArrayList<>();
        for (String doc : text.split("(?m)^---.*$")) {
            if (doc.isBlank() || doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
                continue;
            }
            Object parsed = yaml.unmarshal(doc);
            List<HasMetadata> objects = parsed instanceof KubernetesList list ? list.getItems()
                    : parsed instanceof HasMetadata o ? List.of(o) : List.of();
            for (HasMetadata o : objects) {
                if (o.getMetadata() == null || o.getMetadata().getName() == null) {
                    throw new IllegalArgumentException("an object of kind " + o.getKind() + " has no metadata.name");
                }
                if (Kinds.find(o).isEmpty()
                        || !(namespaces.isEmpty() || namespaces.contains(ResourceMapper.namespace(o)))) {
                    continue;
                }
                if (ResourceMapper.key(o).isPresent()) {
                    out.add(o);
                } else {
                    withoutKey.add(o);
                }
            }
        }
        // Reported only now that the whole file parsed: of a file that does not parse, nothing is applied or counted.
        withoutKey.forEach(o -> events.unmappable(Kinds.of(o), o, "metadata.namespace and metadata.name make "
                + "no namespace/name key (file " + file + ")"));
        return out;
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Objects by identity; {@link #read} admitted only objects with a valid key. */
    private static Map<ObjectId, HasMetadata> index(Map<Path, List<HasMetadata>> files) {
        Map<ObjectId, HasMetadata> out = new HashMap<>();
        files.values().forEach(list -> list.forEach(o -> out.put(new ObjectId(o.getApiVersion(), o.getKind(),
                ResourceMapper.key(o).orElseThrow()), o)));
        return out;
    }
}
