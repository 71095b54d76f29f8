package dev.sockettoolkit.reliability.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionListener;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.reliability.ResourceSnapshot;
import dev.sockettoolkit.testkit.FaultInjectingProxy;
import dev.sockettoolkit.testkit.Loopback;
import dev.sockettoolkit.testkit.TestCertificates;
import dev.sockettoolkit.tls.TlsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The soak: hundreds of clients at once exchange checksummed, numbered messages with one plain
 * and one TLS server, through fault-injecting TCP proxies on 127.0.0.1 and through in-memory
 * pairs under the same network conditions (see {@link Profile}). It runs for {@code
 * -Dsoak.seconds} (40 by default, in {@code mvn verify}); see docs/RELIABILITY.md for long runs.
 *
 * <p>It checks that every graceful connection delivered every message once, in order, intact;
 * that a faulted connection failed with a documented exception and never delivered wrong data;
 * that connections on fault-free profiles all closed gracefully; that the servers serve fresh
 * clients afterwards; and that threads, file descriptors and heap return to where they were.
 * It prints one {@code SOAK RESULT} line (also written to {@code target/soak-summary.txt}).
 */
class SoakTest {
  private static final long SECONDS = Long.getLong("soak.seconds", 40);
  private static final long SEED = Long.getLong("soak.seed", 20261126L);
  /** Lanes through the TCP proxies: at least 200 connections are open at once. */
  private static final int TCP_LANES = 240;
  private static final int MEMORY_LANES = 40;
  private static final ConnectionOptions CLIENT_OPTIONS =
      ConnectionOptions.defaults().toBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final int HEAP_MARGIN_MIB = 48;

  private static final AtomicBoolean DUMPED = new AtomicBoolean();
  private final TestCertificates certs = TestCertificates.get();
  private final SoakPeers peers =
      new SoakPeers(
          new SoakStats(),
          TlsConfig.server(certs.server().keyMaterial()).handshakeTimeout(SoakPeers.MESSAGE_DEADLINE).build(),
          TlsConfig.client().trust(certs.ca().trustMaterial()).handshakeTimeout(SoakPeers.MESSAGE_DEADLINE).build());
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger peakOpen = new AtomicInteger();
  private final AtomicInteger clients = new AtomicInteger();
  private final AtomicInteger peakClients = new AtomicInteger();
  private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());

  /** A proxy with the offset of its fault. */
  private record Route(FaultInjectingProxy proxy, long offset) {}

  @Test
  void hundredsOfClientsThroughFaultsLoseNothingAndLeakNothing() throws Exception {
    ConnectionListener counting =
        new ConnectionListener() {
          @Override
          public void accepted(Connection connection) {
            peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
          }

          @Override
          public void closed(Connection connection) {
            open.decrementAndGet();
          }

          @Override
          public void failed(Connection connection, Throwable failure) {
            open.decrementAndGet();
          }
        };
    List<AutoCloseable> resources = new ArrayList<>();
    try (Server server = Server.builder().handler(peers.handler()).listener(counting)
            .drainTimeout(Duration.ofSeconds(2)).start()) {
      Map<Profile, List<Route>> routes = routes(server, resources, new Random(SEED));

      SoakStats warmUp = new SoakStats();
      runLanes(warmUp, 3, routes);
      assertClean(warmUp, "warm-up");
      awaitIdle(server);
      ResourceSnapshot before = ResourceSnapshot.take();

      SoakStats stats = new SoakStats();
      peakOpen.set(0);
      peakClients.set(0);
      unexpected.clear();
      long started = System.nanoTime();
      runLanes(stats, SECONDS, routes);
      long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      awaitIdle(server);

      SoakStats fresh = new SoakStats();
      peers.countInto(fresh);
      for (int i = 0; i < 20; i++) {
        Connection c = Client.connect(server.localAddress(), CLIENT_OPTIONS);
        SoakPeers.Result result = peers.client(peers.newId(), c, i % 2 == 1, 20, -1);
        assertEquals(SoakPeers.Outcome.GRACEFUL, result.outcome(),
            () -> "a fresh client after the soak: " + result.failure());
      }
      awaitIdle(server);
      ResourceSnapshot after = ResourceSnapshot.settle(before, 10, 20, 30_000);

      String summary = summary(stats, elapsed, before, after);
      System.out.println(summary);
      Files.writeString(Path.of("target", "soak-summary.txt"), summary + "\n", StandardCharsets.UTF_8);
      StringBuilder samples = new StringBuilder();
      stats.samples().forEach((name, trace) -> samples.append("== ").append(name).append('\n').append(trace));
      Files.writeString(Path.of("target", "soak-failure-samples.txt"), samples, StandardCharsets.UTF_8);
      Files.writeString(Path.of("target", "soak-heap-histogram.txt"), ResourceSnapshot.heapHistogram(),
          StandardCharsets.UTF_8);

      assertClean(stats, "soak");
      assertTrue(peakClients.get() >= 200,
          "only " + peakClients.get() + " TCP client connections were open at once");
      assertTrue(stats.graceful.sum() > 0 && stats.faulted.sum() > 0, summary);
      assertEquals(stats.connections.sum(),
          stats.graceful.sum() + stats.faulted.sum() + stats.clientAborted.sum(), summary);
      assertTrue(after.threads() <= before.threads() + 10, "threads leaked: " + before.compareTo(after));
      assertTrue(after.fileDescriptors() <= before.fileDescriptors() + 20,
          "file descriptors leaked: " + before.compareTo(after));
      assertTrue(after.heapBytes() <= before.heapBytes() + HEAP_MARGIN_MIB * 1024L * 1024,
          "heap grew: " + before.compareTo(after));
    } finally {
      for (AutoCloseable r : resources) {
        r.close();
      }
    }
  }

  private void assertClean(SoakStats stats, String phase) {
    assertEquals(List.of(), stats.undocumented(), phase + ": failures outside the documented list");
    List<String> notGraceful = List.copyOf(unexpected);
    assertEquals(List.of(), notGraceful.subList(0, Math.min(20, notGraceful.size())),
        phase + ": fault-free profiles must close gracefully (" + notGraceful.size() + " did not)");
    assertEquals(0, stats.wrongData.sum(), phase + ": wrong data delivered");
    assertEquals(0, stats.duplicated.sum(), phase + ": duplicated messages");
    assertEquals(0, stats.reordered.sum(), phase + ": reordered messages");
    assertEquals(0, stats.lostOnGraceful.sum(), phase + ": messages lost on graceful connections");
  }

  /** Three proxies per fault profile (faults early, middle and late in the stream), one per other. */
  private static Map<Profile, List<Route>> routes(Server target, List<AutoCloseable> resources, Random random)
      throws IOException {
    Map<Profile, List<Route>> routes = new EnumMap<>(Profile.class);
    long[][] bands = {{20, 600}, {600, 6_000}, {6_000, 16_000}};
    for (Profile profile : Profile.values()) {
      List<Route> list = new ArrayList<>();
      int count = profile.fault != null && profile != Profile.CHAOS ? bands.length : 1;
      for (int i = 0; i < count; i++) {
        long offset = bands[i][0] + random.nextInt((int) (bands[i][1] - bands[i][0]));
        FaultInjectingProxy proxy = FaultInjectingProxy.start(
            new java.net.InetSocketAddress("127.0.0.1", target.port()),
            profile.conditions(random.nextLong(), offset),
            CLIENT_OPTIONS);
        resources.add(proxy);
        list.add(new Route(proxy, offset));
      }
      routes.put(profile, list);
    }
    return routes;
  }

  private void runLanes(SoakStats stats, long seconds, Map<Profile, List<Route>> allRoutes)
      throws Exception {
    peers.countInto(stats);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Profile[] profiles = Profile.values();
    ExecutorService lanes = Executors.newFixedThreadPool(TCP_LANES + MEMORY_LANES);
    ExecutorService memoryServers = Executors.newCachedThreadPool();
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < TCP_LANES + MEMORY_LANES; i++) {
        boolean tcp = i < TCP_LANES;
        Profile profile = profiles[i % profiles.length];
        boolean tls = (i / profiles.length) % 2 == 1;
        Random random = new Random(SEED * 31 + i);
        List<Route> routes = allRoutes.get(profile);
        running.add(lanes.submit(() -> {
          int session = 0;
          while (System.nanoTime() < deadline) {
            Route route = tcp ? routes.get(session % routes.size()) : null;
            runSession(stats, profile, tls, random, route, memoryServers);
            session++;
          }
          return null;
        }));
      }
      for (Future<?> lane : running) {
        lane.get(seconds + 180, TimeUnit.SECONDS);
      }
    } finally {
      lanes.shutdownNow();
      memoryServers.shutdownNow();
      assertTrue(lanes.awaitTermination(30, TimeUnit.SECONDS), "soak lanes did not end");
      assertTrue(memoryServers.awaitTermination(30, TimeUnit.SECONDS), "in-memory servers did not end");
    }
  }

  private void runSession(SoakStats stats, Profile profile, boolean tls, Random random, Route route,
      ExecutorService memoryServers) throws Exception {
    long id = peers.newId();
    int messages = 20 + random.nextInt(80);
    int abortAfter = profile == Profile.CLIENT_ABORT ? 1 + random.nextInt(messages) : -1;
    long planned = SoakPeers.plannedBytes(id, abortAfter >= 0 ? abortAfter : messages);
    SoakPeers.Result outcome;
    if (route != null) {
      countFault(stats, profile, route.offset(), planned);
      Connection connection;
      try {
        connection = Client.connect(route.proxy().address(), CLIENT_OPTIONS);
      } catch (IOException e) {
        stats.failure("client connect", e);
        unexpected.add("could not connect to a proxy: " + e);
        return;
      }
      peakClients.accumulateAndGet(clients.incrementAndGet(), Math::max);
      try {
        outcome = peers.client(id, connection, tls, messages, abortAfter);
      } finally {
        clients.decrementAndGet();
      }
    } else {
      long offset = 1 + (long) (random.nextDouble() * (planned - 1));
      countFault(stats, profile, offset, planned);
      ConnectionPair pair = Loopback.pair(profile.conditions(random.nextLong(), offset));
      Future<?> server = memoryServers.submit(() -> peers.serveInMemory(pair.server()));
      outcome = peers.client(id, pair.client(), tls, messages, abortAfter);
      try {
        server.get(60, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        unexpected.add("an in-memory server end did not finish within 60 s (" + profile + ")");
        pair.server().abort();
      }
    }
    if (profile.expectsGraceful() && outcome.outcome() != SoakPeers.Outcome.GRACEFUL) {
      dumpThreadsOnce();
      unexpected.add(profile + (tls ? " TLS" : " plain") + (route != null ? " TCP" : " in-memory")
          + " connection " + id + " ended " + outcome.outcome() + ": " + outcome.failure());
    }
  }

  /** The first unexpected failure leaves every thread's stack in target/soak-threads.txt, to debug it. */
  private static void dumpThreadsOnce() {
    if (!DUMPED.compareAndSet(false, true)) {
      return;
    }
    StringBuilder dump = new StringBuilder();
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      dump.append(thread.getName()).append(' ').append(thread.getState()).append('\n');
      for (StackTraceElement frame : stack) {
        dump.append("    ").append(frame).append('\n');
      }
    });
    try {
      Files.writeString(Path.of("target", "soak-threads.txt"), dump, StandardCharsets.UTF_8);
    } catch (IOException e) {
      System.err.println("could not write the thread dump: " + e);
    }
  }

  private static void countFault(SoakStats stats, Profile profile, long offset, long planned) {
    if (profile == Profile.CHAOS) {
      stats.faultInjected("random faults (session)");
    } else if (profile.fault != null && offset < planned) {
      stats.faultInjected(profile.fault);
    }
  }

  private static void awaitIdle(Server... servers) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    for (Server server : servers) {
      while (server.activeConnections() > 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(0, server.activeConnections(), "connections still open on " + server);
    }
  }

  private String summary(SoakStats s, long elapsed, ResourceSnapshot before, ResourceSnapshot after) {
    return String.format(
        Locale.ROOT,
        "SOAK RESULT: %d s, %d lanes (%d TCP through %d fault-injecting proxies, %d in-memory),"
            + " one server (plain and TLS on one port), peak %d TCP client connections open at once"
            + " (%d at the server); %d connections (%d TLS): %d graceful, %d faulted,"
            + " %d aborted by the client; the server verified %d goodbyes;"
            + " messages sent %d, delivered %d, echoed %d;"
            + " on graceful connections lost %d, duplicated %d, reordered %d, corrupted 0;"
            + " wrong data delivered anywhere %d; corruption caught by the checksum %d;"
            + " faults injected %d %s; failures %s; 20 fresh clients served; %s",
        elapsed, TCP_LANES + MEMORY_LANES, TCP_LANES, 4 + 3 * 4, MEMORY_LANES,
        peakClients.get(), peakOpen.get(), s.connections.sum(), s.tlsConnections.sum(),
        s.graceful.sum(), s.faulted.sum(), s.clientAborted.sum(), s.serverGraceful.sum(),
        s.sent.sum(), s.delivered.sum(), s.echoed.sum(),
        s.lostOnGraceful.sum(), s.duplicated.sum(), s.reordered.sum(), s.wrongData.sum(),
        s.corruptionsCaughtByChecksum.sum(), s.totalFaultsInjected(), s.faultsInjected(),
        s.failures(), before.compareTo(after));
  }
}
