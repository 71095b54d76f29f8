package dev.sockettoolkit.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The idle-memory rows: how much server heap and resident memory one connection costs once it has
 * exchanged a frame and then gone quiet. Measured in the server JVM, before and after the benchmark
 * opens {@code n} connections to it from this process.
 */
final class IdleConnections {
  /** Connections opened, echoed once and closed before the baseline, at most. */
  static final int WARM_CONNECTIONS = 6_000;

  private IdleConnections() {}

  /** Heap and resident bytes per connection. */
  static final class PerConnection {
    final double heapBytes;
    final double rssBytes;
    final String detail;

    PerConnection(double heapBytes, double rssBytes, String detail) {
      this.heapBytes = heapBytes;
      this.rssBytes = rssBytes;
      this.detail = detail;
    }
  }

  /**
   * Why {@code n} connections cannot be opened here (the open-files limit is too low, counting
   * both ends, which are in different processes but share the limit value), or null.
   */
  static String cannotOpen(int n) {
    long limit = openFilesLimit();
    if (limit >= 0 && limit < n + 1_000L) {
      return "ulimit -n is " + limit + ", below the " + (n + 1_000) + " needed for " + n
          + " connections; raise it (ulimit -n " + (n + 1_000) + ") to run this row";
    }
    return null;
  }

  /** The soft limit on open files of this process, from /proc/self/limits; -1 if unknown. */
  static long openFilesLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  static PerConnection measure(ServerProcess server, int n) throws Exception {
    // Warm first, the same for every stack: connections that echo once and close, enough for the
    // JIT to compile the accept, echo and wait paths and for the buffer pools to fill, as in a
    // server that has run for a while. After a single connection the frames under each parked
    // read would be the interpreter's: on virtual threads, whose parked frames live in the heap,
    // that tripled the toolkit's heap per connection (4.1 KiB of stack against 1.5 KiB warm).
    int warm = Math.min(WARM_CONNECTIONS, n);
    for (int i = 0; i < warm; i++) {
      try (SocketChannel channel = open(server.port())) {
        echoOnce(channel);
        channel.setOption(StandardSocketOptions.SO_LINGER, 0); // no TIME_WAIT left behind
      }
    }
    awaitConnections(server, 0);
    ServerProcess.Memory before = server.memory();
    List<SocketChannel> channels = new ArrayList<>(n);
    try {
      long deadline = System.nanoTime() + 120_000_000_000L;
      for (int i = 0; i < n; i++) {
        if (System.nanoTime() > deadline) {
          throw new IOException("opening " + n + " connections took over 120 s; stopped at " + i);
        }
        SocketChannel channel = open(server.port());
        channels.add(channel);
        echoOnce(channel);
      }
      awaitConnections(server, n);
      ServerProcess.Memory after = server.memory();
      String detail = String.format(java.util.Locale.ROOT,
          "server heap %.1f -> %.1f MiB, RSS %.1f -> %.1f MiB, threads %d -> %d",
          before.heap / 1048576.0, after.heap / 1048576.0, before.rss / 1048576.0, after.rss / 1048576.0,
          before.threads, after.threads);
      return new PerConnection(
          (after.heap - before.heap) / (double) n, (after.rss - before.rss) / (double) n, detail);
    } finally {
      for (SocketChannel channel : channels) {
        try {
          channel.setOption(StandardSocketOptions.SO_LINGER, 0); // no TIME_WAIT left behind
          channel.close();
        } catch (IOException ignored) {
          // Closing is best effort; the server JVM goes away next anyway.
        }
      }
    }
  }

  private static SocketChannel open(int port) throws IOException {
    SocketChannel channel = SocketChannel.open();
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    channel.socket().connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    channel.socket().setSoTimeout(10_000);
    return channel;
  }

  /** Sends one 64-byte frame and reads its echo, so the server has read and written once. */
  private static void echoOnce(SocketChannel channel) throws IOException {
    ByteBuffer frame = ByteBuffer.allocate(4 + 64);
    frame.putInt(64).position(frame.limit()).flip();
    while (frame.hasRemaining()) {
      channel.write(frame);
    }
    ByteBuffer reply = ByteBuffer.allocate(4 + 64);
    java.io.InputStream in = channel.socket().getInputStream();
    while (reply.hasRemaining()) {
      int n = in.read(reply.array(), reply.position(), reply.remaining());
      if (n < 0) {
        throw new IOException("the server closed an idle-test connection before echoing");
      }
      reply.position(reply.position() + n);
    }
  }

  private static void awaitConnections(ServerProcess server, int n) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    int seen;
    while ((seen = server.connections()) != n) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the server counts " + seen + " connections, expected " + n + " within 60 s");
      }
      Thread.sleep(50);
    }
  }
}
