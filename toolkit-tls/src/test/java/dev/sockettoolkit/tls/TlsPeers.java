package dev.sockettoolkit.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Helpers to run both ends of a TLS pair from one test. */
final class TlsPeers {
  private TlsPeers() {}

  /** Handshakes both ends concurrently; returns the server's failure or null. */
  static Throwable handshakeBoth(TlsConnection client, TlsConnection server) throws Exception {
    CompletableFuture<Throwable> serverSide =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                server.handshake();
                return null;
              } catch (Throwable t) {
                return t;
              }
            });
    try {
      client.handshake();
    } finally {
      Throwable t = serverSide.get(20, TimeUnit.SECONDS);
      if (t != null && !(t instanceof Exception)) {
        throw new AssertionError(t);
      }
    }
    return serverSide.get();
  }

  /** Runs {@code task} on another thread and returns its future. */
  static <T> CompletableFuture<T> async(ThrowingSupplier<T> task) {
    CompletableFuture<T> future = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                future.complete(task.get());
              } catch (Throwable t) {
                future.completeExceptionally(t);
              }
            },
            "test-peer");
    thread.setDaemon(true);
    thread.start();
    return future;
  }

  static <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception) {
        throw (Exception) e.getCause();
      }
      throw e;
    } catch (TimeoutException e) {
      throw new AssertionError("peer did not finish in 60 s", e);
    }
  }

  static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** Reads exactly {@code n} bytes or fails. */
  static byte[] readExactly(dev.sockettoolkit.core.Connection connection, int n) throws Exception {
    ByteBuffer buffer = ByteBuffer.allocate(n);
    while (buffer.hasRemaining()) {
      if (connection.read(buffer) < 0) {
        throw new java.io.EOFException("end of stream after " + buffer.position() + " of " + n);
      }
    }
    return buffer.array();
  }

  /** A client and a server TLS connection over one transport pair. */
  static final class Tls implements AutoCloseable {
    final Transports.Pair pair;
    final TlsConnection client;
    final TlsConnection server;
    private CompletableFuture<Void> serverHandshake;

    Tls(Transports.Pair pair, TlsConnection client, TlsConnection server) {
      this.pair = pair;
      this.client = client;
      this.server = server;
    }

    /** Handshakes both; throws the client's failure, if any. */
    void handshake() throws Exception {
      serverHandshake =
          async(
              () -> {
                server.handshake();
                return null;
              });
      client.handshake();
      await(serverHandshake);
    }

    /** Handshakes both and returns the server's failure (or null) after the client's attempt. */
    Exception serverFailure() throws Exception {
      if (serverHandshake == null) {
        serverHandshake =
            async(
                () -> {
                  server.handshake();
                  return null;
                });
      }
      try {
        await(serverHandshake);
        return null;
      } catch (Exception e) {
        return e;
      }
    }

    /** Starts only the server's handshake, for tests that expect the client to fail. */
    Tls startServer() {
      serverHandshake =
          async(
              () -> {
                server.handshake();
                return null;
              });
      return this;
    }

    @Override
    public void close() {
      client.abort();
      server.abort();
      pair.close();
    }
  }

  static Tls open(Transports transport, TlsConfig client, String serverName, TlsConfig server) {
    Transports.Pair pair = transport.open();
    return new Tls(pair, TlsConnection.client(pair.client, client, serverName), TlsConnection.server(pair.server, server));
  }

  /** A supplier that may throw. */
  interface ThrowingSupplier<T> {
    T get() throws Exception;
  }
}
