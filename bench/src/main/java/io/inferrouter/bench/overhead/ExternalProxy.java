package io.inferrouter.bench.overhead;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * nginx or HAProxy doing plain round-robin over the zero-latency backends: the reference a
 * gateway's overhead is compared with. Installed from Debian's packages when missing (as root),
 * run in the foreground as a child process, stopped with the benchmark.
 */
public final class ExternalProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExternalProxy.class);

    private final String name;
    private final Process process;
    private final int port;

    private ExternalProxy(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** The proxy's process (nginx's master; its worker is a descendant). */
    ProcessHandle handle() {
        return process.toHandle();
    }

    public static ExternalProxy nginx(Path dir, int port, List<Integer> backends) throws IOException {
        ensureInstalled("nginx", "nginx");
        Files.createDirectories(dir);
        StringBuilder servers = new StringBuilder();
        backends.forEach(b -> servers.append("    server 127.0.0.1:").append(b).append(";\n"));
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  client_max_body_size 16m;
                  client_body_buffer_size 512k;
                  upstream backends {
                %2$s    keepalive 64;
                  }
                  server {
                    listen 127.0.0.1:%3$d;
                    location / {
                      proxy_pass http://backends;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_buffering off;
                    }
                  }
                }
                """.formatted(dir.toAbsolutePath(), servers, port));
        Process p = new ProcessBuilder("nginx", "-p", dir.toAbsolutePath().toString(), "-c", conf.toAbsolutePath().toString(),
                "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        return started("nginx", p, port);
    }

    public static ExternalProxy haproxy(Path dir, int port, List<Integer> backends) throws IOException {
        ensureInstalled("haproxy", "haproxy");
        Files.createDirectories(dir);
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < backends.size(); i++) {
            servers.append("  server s").append(i).append(" 127.0.0.1:").append(backends.get(i)).append('\n');
        }
        Path conf = dir.resolve("haproxy.cfg");
        Files.writeString(conf, """
                global
                  maxconn 8192
                defaults
                  mode http
                  option http-keep-alive
                  timeout connect 5s
                  timeout client 60s
                  timeout server 60s
                frontend front
                  bind 127.0.0.1:%d
                  default_backend backends
                backend backends
                  balance roundrobin
                  http-reuse always
                %s""".formatted(port, servers));
        Process p = new ProcessBuilder("haproxy", "-f", conf.toAbsolutePath().toString(), "-db")
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        return started("haproxy", p, port);
    }

    private static ExternalProxy started(String name, Process p, int port) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException(name + " exited at start with code " + p.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new ExternalProxy(name, p, port);
            } catch (IOException e) {
                LOG.debug("waiting for {} to listen port={}", name, port);
            }
            try {
                p.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        p.destroyForcibly();
        throw new IOException(name + " did not listen on port " + port + " within 10 s");
    }

    /** Installs a Debian package when its command is missing; fails with what to do when that is impossible. */
    static void ensureInstalled(String command, String pkg) throws IOException {
        if (onPath(command)) {
            return;
        }
        LOG.info("installing {} from Debian's packages", pkg);
        run(List.of("apt-get", "update", "-qq"));
        run(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", pkg));
        if (!onPath(command)) {
            throw new IOException(command + " is not installed and apt-get could not install " + pkg
                    + "; install it (apt-get install " + pkg + ") and run again");
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", command));
    }

    private static void run(List<String> cmd) throws IOException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
