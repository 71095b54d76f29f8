package dev.sockettoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Backoff;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ReconnectingClient;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.MessageChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 reconnecting clients exchange sequenced, checksummed lines through a real HAProxy while one
 * backend is killed (SIGKILL) and started again and another is stopped gracefully (SIGTERM).
 * Each client, a MessageChannel over a ReconnectingClient's connection, resends what was unacknowledged after a reconnect (at least once) and must end with
 * every message echoed exactly once, in order. Prints the reconnect times and attempt counts.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class FailoverIT {
  private static final int CLIENTS = 50;
  private static final int MESSAGES = 120;
  private static final long PACE_MILLIS = 40;
  private static final FrameCodec<String> LINES = FrameCodecs.lines().build();

  @TempDir Path dir;

  /** One reconnect: how long from the failure to a new connection, and the attempts it took. */
  private record Reconnect(long nanos, int attempts) {}

  private final List<Reconnect> reconnects = Collections.synchronizedList(new ArrayList<>());
  /** From a failure to the next message acknowledged on the new connection. */
  private final List<Long> recoveries = Collections.synchronizedList(new ArrayList<>());

  @Test
  void clientsRideThroughAKilledAndAStoppedBackend() throws Exception {
    Haproxy.requireOrSkip();
    String[] common = {"--proxy-protocol", "v2", "--trusted-proxy", "127.0.0.1", "--log-connections"};
    List<Jar.Served> servers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    Jar.Served restarted = null;
    try {
      for (int i = 0; i < 3; i++) {
        servers.add(Jar.serve(common));
      }
      List<Integer> ports = servers.stream().map(s -> s.port).toList();
      try (Haproxy haproxy = Haproxy.start(dir, ports, "send-proxy-v2")) {
        long start = System.nanoTime();
        List<Future<List<Integer>>> results = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          int id = c;
          results.add(pool.submit(() -> runClient(id, haproxy.address())));
        }
        Thread.sleep(1500);
        servers.get(0).process.destroyForcibly();              // SIGKILL
        servers.get(0).process.waitFor(10, TimeUnit.SECONDS);
        System.out.println("failover: killed backend 1 (SIGKILL) at " + millisSince(start) + " ms");
        Thread.sleep(1500);
        List<String> again = new ArrayList<>(List.of(common));
        again.addAll(List.of("--port", String.valueOf(ports.get(0))));
        restarted = Jar.serve(again.toArray(String[]::new));
        System.out.println("failover: restarted backend 1 at " + millisSince(start) + " ms");
        Thread.sleep(500);
        servers.get(1).process.destroy();                       // SIGTERM: graceful
        System.out.println("failover: stopping backend 2 gracefully (SIGTERM) at " + millisSince(start) + " ms");
        for (int c = 0; c < CLIENTS; c++) {
          List<Integer> acknowledged = results.get(c).get(60, TimeUnit.SECONDS);
          assertEquals(MESSAGES, acknowledged.size(), "client " + c + " acknowledged count");
          for (int s = 0; s < MESSAGES; s++) {
            assertEquals(s, acknowledged.get(s), "client " + c + " echo order");
          }
        }
        System.out.println("failover: " + CLIENTS + " clients x " + MESSAGES + " messages all echoed exactly once in "
            + millisSince(start) + " ms");
        report();
        assertTrue(!reconnects.isEmpty(), "the killed backend must have made some clients reconnect");
      }
    } finally {
      pool.shutdownNow();
      servers.forEach(Jar.Served::close);
      if (restarted != null) {
        restarted.close();
      }
    }
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private void report() {
    List<Reconnect> all;
    synchronized (reconnects) {
      all = new ArrayList<>(reconnects);
    }
    long[] nanos = all.stream().mapToLong(Reconnect::nanos).sorted().toArray();
    int attempts = all.stream().mapToInt(Reconnect::attempts).sum();
    int maxAttempts = all.stream().mapToInt(Reconnect::attempts).max().orElse(0);
    long[] recovered;
    synchronized (recoveries) {
      recovered = recoveries.stream().mapToLong(Long::longValue).sorted().toArray();
    }
    System.out.printf(Locale.ROOT,
        "failover: recovery (failure to next echo) p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        percentile(recovered, 50), percentile(recovered, 99), recovered.length == 0 ? 0.0 : recovered[recovered.length - 1] / 1e6);
    System.out.printf(Locale.ROOT,
        "failover: %d reconnects; reconnect time p50 %.1f ms, p99 %.1f ms, max %.1f ms; attempts %d in all, at most %d for one reconnect%n",
        nanos.length, percentile(nanos, 50), percentile(nanos, 99), nanos.length == 0 ? 0.0 : nanos[nanos.length - 1] / 1e6,
        attempts, maxAttempts);
  }

  private static double percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  static String message(int client, int seq) {
    String body = client + " " + seq;
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    return body + " " + Long.toHexString(crc.getValue());
  }

  /** One client: stop-and-wait with resend of the unacknowledged after every reconnect. */
  private List<Integer> runClient(int id, String address) throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    ReconnectingClient client = ReconnectingClient.builder()
        .addresses(address)
        .options(ConnectionOptions.defaults().toBuilder()
            .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(5)).build())
        .backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(1)).maxElapsed(Duration.ofSeconds(30)))
        .listener(new ReconnectingClient.Listener() {
          @Override
          public void attempt(int attempt) {
            attempts.incrementAndGet();
          }
        })
        .build();
    List<Integer> acknowledged = new ArrayList<>();
    Deque<Integer> unacknowledged = new ArrayDeque<>();
    MessageChannel<String> channel = MessageChannel.open(client.connect(), LINES);
    int next = 0;
    long failedAt = 0;
    while (acknowledged.size() < MESSAGES) {
      try {
        if (unacknowledged.isEmpty()) {
          unacknowledged.add(next);
          channel.send(message(id, next++));
        }
        String line = channel.receive();
        if (line == null) {
          throw new IOException("end of stream");
        }
        int expected = unacknowledged.peekFirst();
        assertEquals(message(id, expected), line, "client " + id + ": echo of the oldest unacknowledged message");
        unacknowledged.removeFirst();
        acknowledged.add(expected);
        if (failedAt != 0) {
          recoveries.add(System.nanoTime() - failedAt);
          failedAt = 0;
        }
        Thread.sleep(PACE_MILLIS);
      } catch (IOException e) {
        long failed = System.nanoTime();
        failedAt = failedAt == 0 ? failed : failedAt;
        channel.connection().abort();
        attempts.set(0);
        channel = MessageChannel.open(client.connect(), LINES);
        reconnects.add(new Reconnect(System.nanoTime() - failed, attempts.get()));
        for (int seq : unacknowledged) {                 // at least once: resend in order
          channel.send(message(id, seq));
        }
      }
    }
    channel.close();
    return acknowledged;
  }
}
