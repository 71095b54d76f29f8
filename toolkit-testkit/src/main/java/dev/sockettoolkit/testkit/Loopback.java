package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.InMemoryAddress;
import dev.sockettoolkit.core.Server;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connected pairs for tests: in memory, optionally through a hostile network, or over real
 * loopback sockets.
 *
 * <pre>{@code
 * ConnectionPair pair = Loopback.pair(NetworkConditions.builder()
 *     .chunking(Chunking.oneByte())
 *     .build());
 * myProtocolServer.serve(pair.server());   // your code, on its own thread
 * myProtocolClient.talkTo(pair.client());
 * }</pre>
 *
 * <p>The in-memory pair behaves like TCP: ordered bytes, half-close, an abort the peer sees as a
 * reset, timeouts, and a bounded buffer per direction so a fast writer blocks.
 */
public final class Loopback {
  private static final AtomicLong IN_MEMORY_SERVERS = new AtomicLong();

  private Loopback() {}

  /** A perfect in-memory pair with default options. */
  public static ConnectionPair pair() {
    return pair(NetworkConditions.perfect());
  }

  /** An in-memory pair through {@code conditions}, with default options. */
  public static ConnectionPair pair(NetworkConditions conditions) {
    return pair(conditions, ConnectionOptions.defaults());
  }

  /** An in-memory pair through {@code conditions}, whose ends use {@code options}' timeouts. */
  public static ConnectionPair pair(NetworkConditions conditions, ConnectionOptions options) {
    Objects.requireNonNull(conditions, "conditions");
    ConnectionPair raw = ConnectionPair.inMemory(conditions.bufferSize(), options);
    return new ConnectionPair(wrap(raw.client(), conditions), wrap(raw.server(), conditions));
  }

  /**
   * {@code connection} with {@code conditions} applied to what it writes and to how much each read
   * returns. The n-th connection wrapped with the same {@code conditions} object draws from random
   * stream n of its seed, so a test that builds its conditions from a seed repeats exactly.
   */
  public static Connection wrap(Connection connection, NetworkConditions conditions) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(conditions, "conditions");
    long stream = conditions.nextStream();
    if (isPerfect(conditions)) {
      return connection;
    }
    return new ConditionedConnection(connection, conditions, stream);
  }

  private static boolean isPerfect(NetworkConditions c) {
    return c.chunking().isWhole() && !c.delays() && c.bytesPerSecond() == 0 && c.faults().isEmpty();
  }

  /**
   * Connects to {@code address} (an {@link InMemoryAddress} a server in
   * this JVM is bound to, or a socket address) and applies {@code conditions} to the connection,
   * as {@link #wrap} does: the way to put a hostile network between a test's client and a whole
   * {@link Server} running in memory.
   *
   * <pre>{@code
   * InMemoryAddress address = InMemoryAddress.named("chat");
   * try (Server server = Server.builder().bind(address).handler(chat::serve).start();
   *     Connection client = Loopback.connect(address, conditions, ConnectionOptions.defaults())) {
   *   ...
   * }
   * }</pre>
   */
  public static Connection connect(
      SocketAddress address, NetworkConditions conditions, ConnectionOptions options)
      throws IOException {
    Objects.requireNonNull(conditions, "conditions");
    return wrap(Client.connect(address, options), conditions);
  }

  /**
   * A pair accepted by a {@link Server} bound to a fresh {@link InMemoryAddress}: the server's
   * accept path, without a socket.
   */
  public static ConnectionPair inMemoryServerPair(ConnectionOptions options) throws IOException {
    InMemoryAddress address =
        InMemoryAddress.named("loopback-" + IN_MEMORY_SERVERS.incrementAndGet());
    return socketPair(Server.builder().bind(address), null, options);
  }

  /** A pair of real TCP connections over 127.0.0.1. */
  public static ConnectionPair tcpPair(ConnectionOptions options) throws IOException {
    return socketPair(Server.builder().bind("127.0.0.1", 0), null, options);
  }

  /** A pair of real Unix-domain connections through a socket file created in {@code directory}. */
  public static ConnectionPair unixPair(Path directory, ConnectionOptions options) throws IOException {
    Path file = Files.createTempFile(directory, "loopback", ".sock");
    Files.delete(file);
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(file);
    return socketPair(Server.builder().bind(address), address, options);
  }

  /**
   * Accepts one connection with a single-use server. The server-side end is held by a handler that
   * waits until the test closes or aborts that end; then the server stops.
   */
  private static ConnectionPair socketPair(
      Server.Builder builder, SocketAddress unixAddress, ConnectionOptions options)
      throws IOException {
    SynchronousQueue<Connection> handoff = new SynchronousQueue<>();
    Server server =
        builder
            .options(options)
            .maxConnections(1)
            .drainTimeout(Duration.ZERO)
            .handler(
                connection -> {
                  HeldConnection held = new HeldConnection(connection);
                  handoff.put(held);
                  held.awaitClosed();
                })
            .start();
    try {
      Connection client =
          unixAddress != null
              ? Client.connect(unixAddress, options)
              : Client.connect(server.localAddress(), options);
      Connection accepted = handoff.poll(10, TimeUnit.SECONDS);
      if (accepted == null) {
        client.abort();
        throw new IOException("the loopback server did not accept within 10 s");
      }
      ((HeldConnection) accepted).stopWhenClosed(server);
      return new ConnectionPair(client, accepted);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.stopAsync();
      throw new InterruptedIOException("interrupted while connecting a loopback pair");
    } catch (IOException | RuntimeException e) {
      server.stopAsync();
      throw e;
    }
  }

  /** The server end of a socket pair: closing or aborting it lets its handler and server finish. */
  private static final class HeldConnection extends ForwardingConnection {
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Server server;

    HeldConnection(Connection delegate) {
      super(delegate);
    }

    void stopWhenClosed(Server server) {
      this.server = server;
    }

    void awaitClosed() throws InterruptedException {
      closed.await();
      Server s = server;
      if (s != null) {
        s.stopAsync();
      }
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        closed.countDown();
      }
    }

    @Override
    public void abort() {
      super.abort();
      closed.countDown();
    }
  }
}
