package dev.sockettoolkit.tls;

import static com.google.common.base.Preconditions.checkArgument;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.TimeSource;
import dev.sockettoolkit.core.ConnectionClosedException;
import dev.sockettoolkit.core.ConnectionHandler;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.core.internal.ConnectionCounters;
import dev.sockettoolkit.core.internal.ReadsWithoutWaiting;
import dev.sockettoolkit.core.ProxyHeader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;

/**
 * TLS over any {@link Connection}: a TCP or Unix-domain socket, an in-memory pair, or another
 * layer. The result is again a {@code Connection}, so framing and tests work over it unchanged.
 *
 * <pre>{@code
 * TlsConfig config = TlsConfig.client().trust(TrustMaterial.fromPem(Path.of("ca.pem"))).build();
 * try (TlsConnection tls = TlsConnection.client(Client.connect("api.internal:7443"), config, "api.internal")) {
 *   tls.handshake();                       // optional: the first read or write does it too
 *   System.out.println(tls.session().protocol());
 *   tls.write(ByteBuffer.wrap(request));
 *   ByteBuffer reply = ByteBuffer.allocate(8192);
 *   while (tls.read(reply) != -1) { ... }  // -1 only after the server's close_notify
 * }                                        // close() sends close_notify
 *
 * // a server: each connection's handshake runs on its handler thread; failures are logged
 * Server server = Server.builder()
 *     .bind("0.0.0.0", 7443)
 *     .handler(TlsConnection.serverHandler(serverConfig, tls -> serve(tls)))
 *     .start();
 * }</pre>
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>The handshake runs on {@link #handshake()} or the first read or write, and must finish
 *       within {@link TlsConfig#handshakeTimeout()}, else a {@link ConnectionTimeoutException} of
 *       kind {@code HANDSHAKE} is thrown and the connection closed. Failures throw {@link
 *       TlsHandshakeException} with a {@link TlsHandshakeException.Reason}.
 *   <li>{@link #read} returns -1 only after the peer's {@code close_notify}; an end of stream
 *       without it throws {@link TlsTruncationException}.
 *   <li>{@link #shutdownOutput()} sends {@code close_notify} and half-closes: under TLS 1.3 the
 *       peer can still send. {@link #close()} sends {@code close_notify}, half-closes, then reads
 *       and discards input until the peer's {@code close_notify} or end of stream for at most
 *       {@link TlsConfig#closeNotifyTimeout()} (so unread input does not make the OS reset the
 *       connection under data still in flight), and closes the transport.
 *   <li>One thread may read while another writes. Locks are {@code ReentrantLock}s, so virtual
 *       threads do not pin. A TLS 1.3 KeyUpdate that arrives while a writer is blocked is answered
 *       by that writer as soon as it gets through.
 *   <li>A write of many small buffers is packed into full 16 KiB records and sent with one
 *       transport write per ~32 KiB; a small write is sent at once.
 *   <li>Plaintext or garbage instead of TLS, records longer than TLS allows, more than {@link
 *       TlsConfig#maxHandshakeBytes()} during a handshake and TLS 1.2 renegotiation all fail the
 *       connection with a {@link TlsHandshakeException} naming the cause.
 * </ul>
 */
public final class TlsConnection implements Connection {
  private static final System.Logger LOG = System.getLogger(TlsConnection.class.getName());

  static {
    // A message channel over a TLS connection counts its messages with the transport's bytes.
    ConnectionCounters.registerLayer(TlsConnection.class, TlsConnection::transport);
    // Its receive buffer asks for what has arrived, without waiting, when a burst ends.
    ReadsWithoutWaiting.register(TlsConnection.class, connection -> connection.io::readNow);
  }

  private final TlsEngineIo io;

  private TlsConnection(TlsEngineIo io) {
    this.io = io;
  }

  /**
   * Wraps {@code transport} as the client side. {@code serverName} is the host the client means to
   * reach: a host name is sent as SNI and must appear in the server's certificate (a DNS SAN); an
   * IP literal is not sent as SNI and must appear as an IP SAN. Nothing is sent until the
   * handshake starts.
   */
  public static TlsConnection client(Connection transport, TlsConfig config, String serverName) {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(serverName, "serverName");
    checkArgument(config.isClient(), "TlsConnection.client needs a TlsConfig.client() configuration");
    String host = serverName;
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = -1;
    SocketAddress remote = transport.remoteAddress();
    if (remote instanceof InetSocketAddress inet) {
      port = inet.getPort();
    }
    SSLEngine engine = SslContexts.engine(config, host, port);
    return new TlsConnection(new TlsEngineIo(transport, engine, config));
  }

  /** Wraps {@code transport} as the server side; the handshake starts on first use. */
  public static TlsConnection server(Connection transport, TlsConfig config) {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(config, "config");
    checkArgument(!config.isClient(), "TlsConnection.server needs a TlsConfig.server(...) configuration");
    return new TlsConnection(new TlsEngineIo(transport, SslContexts.engine(config, null, -1), config));
  }

  /**
   * A {@link ConnectionHandler} for {@link dev.sockettoolkit.core.Server} that wraps each accepted
   * connection with {@code config}, completes the handshake, and passes it to {@code handler}.
   * A failed or timed-out handshake is logged as one line naming the peer and the reason, and
   * affects only that connection.
   */
  public static ConnectionHandler serverHandler(TlsConfig config, TlsHandler handler) {
    Objects.requireNonNull(config, "config");
    return serverHandler(() -> config, handler);
  }

  /**
   * Like {@link #serverHandler(TlsConfig, TlsHandler)}, reading the configuration for each new
   * connection from {@code config}, such as a {@link ReloadableTlsConfig}; connections already
   * open keep the configuration they started with.
   */
  public static ConnectionHandler serverHandler(Supplier<TlsConfig> config, TlsHandler handler) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(handler, "handler");
    return connection -> {
      TlsConnection tls = server(connection, config.get());
      try {
        try {
          tls.handshake();
        } catch (IOException e) {
          // Untrusted peers fail handshakes all the time (scanners, plaintext, resets): one line
          // each, and the server carries on.
          LOG.log(
              Level.INFO,
              "TLS handshake with {0} failed: {1}",
              connection.remoteAddress(),
              e.getMessage());
          return;
        }
        handler.handle(tls);
      } finally {
        tls.close();
      }
    };
  }

  /**
   * Runs the handshake now if it has not run; returns at once if it finished before. Threads that
   * call this, {@link #read} or {@link #write} during a handshake wait for it.
   *
   * @throws TlsHandshakeException if the handshake failed (now or earlier)
   * @throws ConnectionTimeoutException of kind {@code HANDSHAKE} if it took too long
   */
  public void handshake() throws IOException {
    io.handshake();
  }

  /**
   * What the handshake agreed on.
   *
   * @throws IllegalStateException if the handshake has not finished
   */
  public TlsSession session() {
    return io.session();
  }

  /** The JSSE session id, for tests of session resumption. */
  byte[] sslSessionId() {
    return io.sslSessionId();
  }

  /** The connection this TLS layer runs over. */
  public Connection transport() {
    return io.transport();
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return io.read(dst, null);
  }

  @Override
  public int read(ByteBuffer dst, Duration timeout) throws IOException {
    Objects.requireNonNull(timeout, "timeout");
    checkArgument(timeout.toNanos() > 0, "timeout must be positive, got %s", timeout);
    return io.read(dst, timeout);
  }

  @Override
  public void write(ByteBuffer... srcs) throws IOException {
    io.write(srcs);
  }

  /**
   * Sends {@code close_notify} and half-closes the transport. Under TLS 1.3 the peer may go on
   * sending and this side reading; under TLS 1.2 the JDK treats it as a full close.
   */
  @Override
  public void shutdownOutput() throws IOException {
    io.shutdownOutput();
  }

  /**
   * Sends {@code close_notify} (if the handshake finished), half-closes, lingers at most {@link
   * TlsConfig#closeNotifyTimeout()} for the peer's {@code close_notify} or end of stream, and
   * closes the transport. A thread blocked in {@link #read} is released. Idempotent.
   */
  @Override
  public void close() throws IOException {
    io.close();
  }

  @Override
  public void abort() {
    io.abort();
  }

  @Override
  public boolean isOpen() {
    return io.isOpen();
  }

  /** The clock of this connection's timeouts: the config's, if it chose one, else the transport's. */
  @Override
  public TimeSource timeSource() {
    return io.time();
  }

  @Override
  public SocketAddress localAddress() {
    return io.transport().localAddress();
  }

  @Override
  public SocketAddress remoteAddress() {
    return io.transport().remoteAddress();
  }

  @Override
  public Optional<ProxyHeader> proxyHeader() {
    return io.transport().proxyHeader();
  }

  @Override
  public String toString() {
    return "TlsConnection{" + io + "}";
  }

  /** Bytes held now for received data, for tests of memory use. */
  int inputBufferCapacity() {
    return io.inputBufferCapacity();
  }
}
