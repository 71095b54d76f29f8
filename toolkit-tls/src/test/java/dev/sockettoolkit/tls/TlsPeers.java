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

  /** A supplier that may throw. */
  interface ThrowingSupplier<T> {
    T get() throws Exception;
  }
}
