package io.inferrouter.gateway.it;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny OpenAI-shaped HTTP server on a raw socket, for gateway integration tests that need exact
 * control over faults (a reset before the first byte, a stream cut after N events) until model-sim
 * is used instead. Answers with the model it was asked for and names itself in every response.
 */
final class FakeModelServer implements AutoCloseable {

    /**
     * NORMAL answers; DROP_AFTER_TWO_EVENTS cuts a stream; RESET_BEFORE_RESPONSE resets the connection
     * before any byte; STATUS_503 answers 503 at once; SILENT reads the request and never answers.
     */
    enum Mode { NORMAL, DROP_AFTER_TWO_EVENTS, RESET_BEFORE_RESPONSE, STATUS_503, SILENT }

    record Received(String path, Map<String, String> headers, String body) {
    }

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");

    private final String name;
    private final ServerSocket socket;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile Mode mode = Mode.NORMAL;

    FakeModelServer(String name) throws IOException {
        this.name = name;
        this.socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        this.acceptor = Thread.ofVirtual().start(this::accept);
    }

    int port() {
        return socket.getLocalPort();
    }

    String name() {
        return name;
    }

    void mode(Mode m) {
        this.mode = m;
    }

    List<Received> received() {
        return received;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            String requestLine = line(in);
            if (requestLine == null || requestLine.isEmpty()) {
                return;
            }
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            String path = requestLine.split(" ")[1];
            received.add(new Received(path, headers, body));
            if (mode == Mode.RESET_BEFORE_RESPONSE) {
                s.setSoLinger(true, 0);
                return;
            }
            if (mode == Mode.SILENT) {
                // Holds the connection open, answering nothing, until the gateway gives up and closes it.
                in.transferTo(OutputStream.nullOutputStream());
                return;
            }
            if (mode == Mode.STATUS_503) {
                byte[] error = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"code\":503}}"
                        .getBytes(StandardCharsets.UTF_8);
                s.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + error.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(error);
                s.getOutputStream().flush();
                return;
            }
            Matcher m = MODEL.matcher(body);
            String model = m.find() ? m.group(1) : "unknown";
            OutputStream out = s.getOutputStream();
            if (body.contains("\"stream\":true")) {
                stream(out, model, s);
            } else {
                String json = "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"model\":\"" + model
                        + "\",\"server\":\"" + name + "\",\"choices\":[{\"index\":0,\"text\":\"hello\"}],"
                        + "\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":1,\"total_tokens\":5}}";
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
            }
        } catch (IOException e) {
            // The gateway may close early (a cancelled stream); nothing to do.
        }
    }

    private void stream(OutputStream out, String model, Socket s) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            events.add("data: {\"model\":\"" + model + "\",\"server\":\"" + name + "\",\"choices\":[{\"index\":0,\"text\":\"t"
                    + i + "\"}]}\n\n");
        }
        events.add("data: {\"model\":\"" + model + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":4,"
                + "\"completion_tokens\":4}}\n\n");
        events.add("data: [DONE]\n\n");
        for (int i = 0; i < events.size(); i++) {
            if (mode == Mode.DROP_AFTER_TWO_EVENTS && i == 2) {
                s.setSoLinger(true, 0);
                s.close();
                return;
            }
            byte[] e = events.get(i).getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(e.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(e);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return c < 0 && b.isEmpty() ? null : b.toString();
    }
}
