package io.inferrouter.gateway.server;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.ServerConnectionException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * A client connection whose socket reads report to a {@link ReadDeadline}: Helidon's HTTP/1
 * connection reads the request head and body through {@link #dataReader()}, so the deadline sees
 * exactly when the server waits on the client and when it does not. Everything else is Helidon's.
 */
final class TimedConnectionContext implements ConnectionContext {

    private final ConnectionContext delegate;
    private final HelidonSocket socket;
    private final ReadDeadline deadline;
    private final DataReader reader;
    /** Bytes Helidon read before handing the connection over, if any; served first. */
    private byte[] alreadyRead;

    TimedConnectionContext(ConnectionContext delegate, ReadDeadline deadline) {
        this.delegate = delegate;
        this.socket = delegate.serverSocket();
        this.deadline = deadline;
        DataReader original = delegate.dataReader();
        this.alreadyRead = original.available() > 0 ? original.readBytes(original.available()) : null;
        this.reader = DataReader.create(this::read);
    }

    ReadDeadline deadline() {
        return deadline;
    }

    /** One socket read, as Helidon's own reader does it, under the deadline. Null when the client closed. */
    private byte[] read() {
        if (alreadyRead != null) {
            byte[] bytes = alreadyRead;
            alreadyRead = null;
            return bytes;
        }
        deadline.readStarting(System.nanoTime());
        byte[] bytes = null;
        try {
            bytes = socket.get();
            return bytes;
        } catch (UncheckedIOException e) {
            throw new ServerConnectionException(deadline.expired()
                    ? "client too slow to send its request (http.read-timeout " + deadline.timeout() + "); cut"
                    : "Failed to get data from socket", e);
        } finally {
            deadline.readDone(System.nanoTime(), bytes != null);
        }
    }

    @Override
    public DataReader dataReader() {
        return reader;
    }

    @Override
    public HelidonSocket serverSocket() {
        return socket;
    }

    @Override
    public ListenerContext listenerContext() {
        return delegate.listenerContext();
    }

    @Override
    public ExecutorService executor() {
        return delegate.executor();
    }

    @Override
    public DataWriter dataWriter() {
        return delegate.dataWriter();
    }

    @Override
    public Router router() {
        return delegate.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
        return delegate.proxyProtocolData();
    }

    @Override
    public PeerInfo remotePeer() {
        return delegate.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
        return delegate.localPeer();
    }

    @Override
    public boolean isSecure() {
        return delegate.isSecure();
    }

    @Override
    public String socketId() {
        return delegate.socketId();
    }

    @Override
    public String childSocketId() {
        return delegate.childSocketId();
    }
}
