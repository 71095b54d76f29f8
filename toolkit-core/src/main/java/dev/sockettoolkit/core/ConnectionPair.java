package dev.sockettoolkit.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two connections joined to each other: what one writes, the other reads.
 *
 * <p>{@link #inMemory()} makes a pair that lives entirely in this process and behaves like TCP:
 * ordered bytes, half-close, a bounded buffer in each direction (a fast writer blocks until the
 * reader catches up), an abort that the peer sees as a reset, and the same timeouts as a socket.
 * It is the quickest way to test protocol code without a network.
 *
 * <pre>{@code
 * ConnectionPair pair = ConnectionPair.inMemory();
 * pair.client().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
 * ByteBuffer received = ByteBuffer.allocate(3);
 * pair.server().read(received);
 * }</pre>
 *
 * @param client the end that plays the client
 * @param server the end that plays the server
 */
public record ConnectionPair(Connection client, Connection server) implements AutoCloseable {
  /** The default capacity of each direction of an in-memory pair, in bytes. */
  public static final int DEFAULT_BUFFER_SIZE = 64 * 1024;

  private static final AtomicLong IDS = new AtomicLong();

  /** Checks both ends are present. */
  public ConnectionPair {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(server, "server");
  }

  /** An in-memory pair with {@value #DEFAULT_BUFFER_SIZE}-byte buffers and default options. */
  public static ConnectionPair inMemory() {
    return inMemory(DEFAULT_BUFFER_SIZE, ConnectionOptions.defaults());
  }

  /**
   * An in-memory pair whose directions each buffer up to {@code bufferSize} bytes before a writer
   * blocks, with {@code options}' read, write and idle timeouts on both ends.
   */
  public static ConnectionPair inMemory(int bufferSize, ConnectionOptions options) {
    checkArgument(bufferSize > 0, "bufferSize must be positive, got %s", bufferSize);
    Objects.requireNonNull(options, "options");
    long id = IDS.incrementAndGet();
    SocketAddress clientAddress = InMemoryAddress.end(String.valueOf(id), "client");
    SocketAddress serverAddress = InMemoryAddress.end(String.valueOf(id), "server");
    PipeBuffer toServer = new PipeBuffer(bufferSize, options.timeSource());
    PipeBuffer toClient = new PipeBuffer(bufferSize, options.timeSource());
    PipeConnection client =
        new PipeConnection(toClient, toServer, clientAddress, serverAddress, options);
    PipeConnection server =
        new PipeConnection(toServer, toClient, serverAddress, clientAddress, options);
    client.startTimeouts();
    server.startTimeouts();
    // Counted where options say, both ends, as a client and a server.
    ConnectionMetrics metrics = options.metrics().orElse(null);
    AbstractConnection.observe(client, false, metrics);
    AbstractConnection.observe(server, true, metrics);
    return new ConnectionPair(client, server);
  }

  /** Closes both ends gracefully. */
  @Override
  public void close() throws IOException {
    try {
      client.close();
    } finally {
      server.close();
    }
  }
}
