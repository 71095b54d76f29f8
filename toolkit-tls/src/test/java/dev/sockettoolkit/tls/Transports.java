package dev.sockettoolkit.tls;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Connected pairs over the transports TLS is tested on. */
enum Transports {
  IN_MEMORY,
  TCP,
  /** A Unix-domain socket in a temporary directory. */
  UNIX,
  /** In-memory, with every read and write cut into one-byte pieces. */
  ONE_BYTE;

  static final ConnectionOptions OPTIONS =
      ConnectionOptions.builder()
          .readTimeout(Duration.ofSeconds(20))
          .writeTimeout(Duration.ofSeconds(20))
          .build();

  /** Two connected ends; closing the pair closes both and whatever served them. */
  static final class Pair implements AutoCloseable {
    final Connection client;
    final Connection server;
    private final Runnable resources;

    Pair(Connection client, Connection server, Runnable resources) {
      this.client = client;
      this.server = server;
      this.resources = resources;
    }

    @Override
    public void close() {
      client.abort();
      server.abort();
      if (resources != null) {
        resources.run();
      }
    }
  }

  Pair open() {
    try {
      switch (this) {
        case IN_MEMORY: {
          ConnectionPair pair = ConnectionPair.inMemory(64 * 1024, OPTIONS);
          return new Pair(pair.client(), pair.server(), null);
        }
        case ONE_BYTE: {
          ConnectionPair pair = ConnectionPair.inMemory(64 * 1024, OPTIONS);
          return new Pair(new ChunkingConnection(pair.client(), 1), new ChunkingConnection(pair.server(), 1), null);
        }
        case TCP:
          return socket(new java.net.InetSocketAddress("127.0.0.1", 0));
        case UNIX: {
          java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tls-test");
          return socket(java.net.UnixDomainSocketAddress.of(dir.resolve("s.sock")));
        }
        default:
          throw new AssertionError(this);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Pair socket(java.net.SocketAddress address) throws IOException {
    BlockingQueue<Connection> accepted = new ArrayBlockingQueue<>(1);
    CountDownLatch done = new CountDownLatch(1);
    Server server =
        Server.builder()
            .bind(address)
            .options(OPTIONS)
            .drainTimeout(Duration.ofSeconds(1))
            .handler(
                connection -> {
                  accepted.add(connection);
                  done.await(60, TimeUnit.SECONDS);
                })
            .start();
    Connection client = Client.connect(server.localAddress(), OPTIONS);
    Connection serverSide;
    try {
      serverSide = accepted.poll(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    if (serverSide == null) {
      throw new IOException("the test server accepted nothing");
    }
    return new Pair(client, serverSide, () -> {
      done.countDown();
      server.close();
      if (address instanceof java.net.UnixDomainSocketAddress) {
        java.nio.file.Path file = ((java.net.UnixDomainSocketAddress) address).getPath();
        try {
          java.nio.file.Files.deleteIfExists(file);
          java.nio.file.Files.deleteIfExists(file.getParent());
        } catch (IOException ignored) {
          // a leftover temporary directory is harmless
        }
      }
    });
  }
}
