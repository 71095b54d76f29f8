package dev.sockettoolkit.framing;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.Server;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Connected pairs over the in-memory transport and over TCP on 127.0.0.1. */
final class Transports implements AutoCloseable {
  private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
  private Server server;

  /** A connected pair: "inMemory" or "tcp". */
  ConnectionPair pair(String transport) throws Exception {
    if (transport.equals("inMemory")) {
      return ConnectionPair.inMemory();
    }
    if (server == null) {
      server = Server.builder()
          .bind("127.0.0.1", 0)
          .drainTimeout(Duration.ofSeconds(1))
          .handler(connection -> {
            accepted.put(connection);
            // The test owns the connection; the server would close it when this returns.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (connection.isOpen() && System.nanoTime() < deadline) {
              Thread.sleep(20);
            }
          })
          .start();
    }
    Connection client = Client.connect("127.0.0.1", server.port(), ConnectionOptions.defaults());
    Connection serverSide = accepted.poll(10, TimeUnit.SECONDS);
    if (serverSide == null) {
      client.abort();
      throw new IOException("the server did not accept within 10 s");
    }
    return new ConnectionPair(client, serverSide);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
