package dev.sockettoolkit.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The loopback comparison: the same 4-byte length-prefixed echo protocol on this toolkit, Netty
 * (NIO, native epoll, and for TLS also BoringSSL) and a hand-written {@code java.net.Socket}
 * baseline, stacks alternating within every row. Servers run in their own JVMs; clients run here.
 *
 * <pre>
 * java -jar toolkit-bench/target/toolkit-bench.jar            # full run, under 15 minutes
 * java -jar toolkit-bench/target/toolkit-bench.jar --quick    # under a minute
 * </pre>
 *
 * <p>Says first whether the machine is quiet ({@link MachineLoad}), then prints a table and one
 * {@code RESULT} line per row, each with its {@link Confidence} (see {@link ResultLine}).
 */
public final class LoopbackBenchmark {
  private static final PrintStream OUT = System.out;
  /** How long other processes' CPU use is sampled before the run. */
  private static final long LOAD_SAMPLE_MILLIS = 500;

  private final Settings settings;
  private final Report report = new Report();
  private final List<Stack> plainStacks = new ArrayList<>();
  private final List<Stack> tlsStacks = new ArrayList<>();

  private LoopbackBenchmark(Settings settings) {
    this.settings = settings;
  }

  public static void main(String[] args) throws Exception {
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      // Leak detection samples allocations; off for Netty here as in the server JVMs.
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
    if (Arrays.asList(args).contains("--help")) {
      OUT.println(Settings.usage());
      return;
    }
    Settings settings;
    try {
      settings = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    startWatchdog(settings.quick ? 180 : 1800);
    new LoopbackBenchmark(settings).run();
    // Event-loop and timer threads of the clients must not keep the JVM alive.
    System.exit(0);
  }

  /** Ends the JVM (and with it the server JVMs, whose standard input closes) if a run hangs. */
  private static void startWatchdog(int seconds) {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(seconds * 1000L);
        System.err.println("toolkit-bench: still running after " + seconds + " s; giving up");
        Runtime.getRuntime().halt(3);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bench-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private void run() throws Exception {
    long start = System.nanoTime();
    OUT.println("Socket Toolkit loopback benchmark" + (settings.quick ? " (--quick)" : ""));
    OUT.println("  JVM:     " + System.getProperty("java.vm.name") + " " + Runtime.version()
        + " (server JVMs: " + (settings.serverJava == null ? "the same" : settings.serverJava)
        + ", " + ServerProcess.HEAP + (settings.serverJvmArgs.isEmpty() ? "" : " " + String.join(" ", settings.serverJvmArgs))
        + ")");
    OUT.println("  machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", " + cpuModel());
    OUT.println("  started: " + Instant.now());
    checkLoad();
    OUT.printf(Locale.ROOT,
        "  rounds %d, warm-up %d ms, measure %d ms, window %d frames and at most %d KiB per connection%n",
        settings.rounds, settings.warmupMillis, settings.measureMillis, Settings.WINDOW, Settings.WINDOW_BYTES / 1024);
    for (Stack stack : settings.stacks) {
      String reason = Stacks.unavailable(stack);
      if (reason != null) {
        OUT.println("  WARNING: " + stack.label() + " skipped: " + reason);
        continue;
      }
      if (stack != Stack.NETTY_OPENSSL && stack != Stack.TOOLKIT_CONSCRYPT) {
        plainStacks.add(stack);
      }
      if (stack != Stack.NETTY_EPOLL) {
        tlsStacks.add(stack);
      }
    }
    if (settings.plain || settings.latency) {
      section("plain", plainStacks, null);
    }
    if (settings.tls) {
      Path dir = Files.createTempDirectory("toolkit-bench");
      Path file = dir.resolve("server.p12");
      try {
        TlsMaterial tls = Certificates.create();
        tls.save(file);
        section("tls", tlsStacks, new Tls(tls, file));
      } finally {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      }
    }
    if (settings.idle) {
      idle();
    }
    String observability = null;
    if (settings.observability) {
      try {
        observability = ObservabilityCost.run(settings, OUT, report.runDoubts());
      } catch (Exception e) {
        OUT.println("  observability FAILED: " + e);
      }
    }
    List<Stack> columns = new ArrayList<>(settings.stacks);
    columns.removeIf(s -> !plainStacks.contains(s) && !tlsStacks.contains(s));
    if (!report.rows().isEmpty()) {
      OUT.println();
      report.printTable(OUT, columns);
      OUT.println();
      report.printResults(OUT);
    }
    if (observability != null) {
      OUT.println(observability);
    }
    OUT.printf(Locale.ROOT, "total time %.1f s%n", (System.nanoTime() - start) / 1e9);
  }

  /**
   * Says plainly, before anything is measured, when the machine is not quiet, and makes every row
   * indicative then; the run goes on.
   */
  private void checkLoad() throws InterruptedException {
    MachineLoad load = MachineLoad.sample(Path.of("/proc"), LOAD_SAMPLE_MILLIS, ProcessHandle.current().pid());
    String notQuiet = load.notQuiet();
    if (notQuiet == null) {
      OUT.println("  load:    " + load.describe() + ": quiet");
      return;
    }
    OUT.println("WARNING machine not quiet: " + notQuiet
        + "; ratios can be far off, every row is marked indicative");
    report.doubt("machine not quiet at the start: " + notQuiet);
  }

  private static final class Tls {
    final TlsMaterial material;
    final Path file;

    Tls(TlsMaterial material, Path file) {
      this.material = material;
      this.file = file;
    }
  }

  /** Throughput and latency rows of one mode (plain or TLS), every stack's server running throughout. */
  private void section(String mode, List<Stack> stacks, Tls tls) throws Exception {
    Map<Stack, ServerProcess> servers = new EnumMap<>(Stack.class);
    Map<Stack, EchoClient> clients = new EnumMap<>(Stack.class);
    OUT.println();
    OUT.println("== " + mode + ": stacks " + labels(stacks));
    try {
      for (Stack stack : stacks) {
        try {
          servers.put(stack, ServerProcess.start(settings, stack, tls == null ? null : tls.file));
          clients.put(stack, Stacks.client(stack, tls == null ? null : tls.material));
        } catch (Exception | LinkageError e) {
          OUT.println("  WARNING: " + stack.label() + " " + mode + " could not start: " + e);
        }
      }
      warmUp(mode, servers, clients);
      boolean throughput = tls != null || settings.plain;
      if (throughput) {
        for (int size : settings.sizes) {
          for (int connections : settings.connections) {
            throughputRow(mode, size, connections, servers, clients);
          }
        }
      }
      if (settings.latency) {
        latencyRows(mode, servers, clients);
      }
    } finally {
      for (EchoClient client : clients.values()) {
        try {
          client.close();
        } catch (Exception e) {
          OUT.println("  (closing a client failed: " + e + ")");
        }
      }
      servers.values().forEach(ServerProcess::close);
    }
  }

  /**
   * Runs every stack unmeasured for a while before its first row, so the JIT has compiled its hot
   * paths: Netty's JDK-provider TLS, for one, needs seconds before it reaches its steady rate.
   */
  private void warmUp(String mode, Map<Stack, ServerProcess> servers, Map<Stack, EchoClient> clients) {
    for (Stack stack : clients.keySet()) {
      long end = System.nanoTime() + settings.stackWarmupMillis * 1_000_000L;
      int[] sizes = {64, 1024, 64 * 1024};
      try {
        for (int i = 0; System.nanoTime() < end; i++) {
          int size = sizes[i % sizes.length];
          EchoClient.Load load = clients.get(stack).startLoad(servers.get(stack).port(), 4, size, Settings.window(size));
          try {
            Thread.sleep(Math.max(50, settings.stackWarmupMillis / 6));
          } finally {
            load.close();
          }
        }
        clients.get(stack).roundTrips(servers.get(stack).port(), Settings.LATENCY_SIZE, 0, 100_000_000L, 100_000);
      } catch (Exception e) {
        OUT.println("  " + mode + " warm-up of " + stack.label() + " failed: " + e);
      }
    }
    OUT.printf(Locale.ROOT, "  (each stack ran %d ms unmeasured first)%n", settings.stackWarmupMillis);
    for (Map.Entry<Stack, EchoClient> client : clients.entrySet()) {
      String negotiated = client.getValue().negotiated();
      if (negotiated != null) {
        OUT.println("  " + client.getKey().label() + " negotiated " + negotiated);
      }
    }
  }

  private void throughputRow(
      String mode, int size, int connections, Map<Stack, ServerProcess> servers, Map<Stack, EchoClient> clients) {
    String shape = sizeLabel(size) + "." + connections + "conn";
    Row messages = report.row(mode + ".throughput." + shape, "msg/s", ResultLine.Better.HIGHER);
    Row bytes = report.row(mode + ".bandwidth." + shape, "MB/s", ResultLine.Better.HIGHER);
    List<Row> natives = nativeRows(mode, clients, List.of(
        new String[] {".throughput." + shape, "msg/s"}, new String[] {".bandwidth." + shape, "MB/s"}),
        ResultLine.Better.HIGHER);
    String shortRounds = Settings.shortRounds(settings.warmupMillis, settings.measureMillis);
    if (shortRounds != null) {
      messages.doubt(shortRounds);
      bytes.doubt(shortRounds);
      natives.forEach(row -> row.doubt(shortRounds));
    }
    for (int round = 0; round < settings.rounds; round++) {
      for (Stack stack : rotate(new ArrayList<>(clients.keySet()), round)) {
        ServerProcess server = servers.get(stack);
        try {
          long serverCpu0 = server.cpuNanos();
          long clientCpu0 = EchoServerMain.cpuNanos();
          double rate;
          long measuredNanos;
          try (EchoClient.Load load = clients.get(stack).startLoad(server.port(), connections, size, Settings.window(size))) {
            Thread.sleep(settings.warmupMillis);
            long c0 = load.received();
            long t0 = System.nanoTime();
            serverCpu0 = server.cpuNanos();
            clientCpu0 = EchoServerMain.cpuNanos();
            Thread.sleep(settings.measureMillis);
            long c1 = load.received();
            long t1 = System.nanoTime();
            measuredNanos = t1 - t0;
            rate = (c1 - c0) * 1e9 / measuredNanos;
            double serverCpu = (server.cpuNanos() - serverCpu0) / (double) measuredNanos;
            double clientCpu = (EchoServerMain.cpuNanos() - clientCpu0) / (double) measuredNanos;
            OUT.printf(Locale.ROOT, "  %-28s %-13s %12.0f msg/s %9.1f MB/s   cpu: server %.2f, client %.2f cores%n",
                mode + " " + shape, stack.label(), rate, rate * size / 1e6, serverCpu, clientCpu);
          }
          messages.add(stack, rate);
          bytes.add(stack, rate * size / 1e6);
          if (!natives.isEmpty()) {
            natives.get(0).add(stack, rate);
            natives.get(1).add(stack, rate * size / 1e6);
          }
        } catch (Exception e) {
          OUT.println("  " + mode + " " + shape + " " + stack.label() + " FAILED: " + e);
          messages.note(stack, "failed: " + e);
          bytes.note(stack, "failed: " + e);
          natives.forEach(row -> row.note(stack, "failed: " + e));
        }
      }
    }
  }

  private void latencyRows(String mode, Map<Stack, ServerProcess> servers, Map<Stack, EchoClient> clients) {
    int size = Settings.LATENCY_SIZE;
    String prefix = mode + ".latency." + sizeLabel(size) + ".";
    Row p50 = report.row(prefix + "p50", "us", ResultLine.Better.LOWER);
    Row p99 = report.row(prefix + "p99", "us", ResultLine.Better.LOWER);
    Row p999 = report.row(prefix + "p99.9", "us", ResultLine.Better.LOWER);
    String suffix = ".latency." + sizeLabel(size) + ".";
    List<Row> natives = nativeRows(mode, clients, List.of(
        new String[] {suffix + "p50", "us"}, new String[] {suffix + "p99", "us"},
        new String[] {suffix + "p99.9", "us"}), ResultLine.Better.LOWER);
    String shortRounds = Settings.shortRounds(settings.latencyWarmupMillis, settings.latencyMeasureMillis);
    if (shortRounds != null) {
      List.of(p50, p99, p999).forEach(row -> row.doubt(shortRounds));
      natives.forEach(row -> row.doubt(shortRounds));
    }
    for (int round = 0; round < settings.rounds; round++) {
      for (Stack stack : rotate(new ArrayList<>(clients.keySet()), round)) {
        try {
          Histogram nanos = clients.get(stack).roundTrips(
              servers.get(stack).port(), size,
              settings.latencyWarmupMillis * 1_000_000L, settings.latencyMeasureMillis * 1_000_000L,
              settings.latencyMaxSamples);
          double[] us = {
            RoundTrips.micros(nanos, 0.50), RoundTrips.micros(nanos, 0.99), RoundTrips.micros(nanos, 0.999)
          };
          p50.add(stack, us[0]);
          p99.add(stack, us[1]);
          p999.add(stack, us[2]);
          for (int i = 0; i < natives.size(); i++) {
            natives.get(i).add(stack, us[i]);
          }
          OUT.printf(Locale.ROOT, "  %-28s %-13s p50 %7.1f us  p99 %7.1f us  p99.9 %7.1f us  (%d round trips)%n",
              mode + " latency " + sizeLabel(size), stack.label(), us[0], us[1], us[2], nanos.getTotalCount());
        } catch (Exception e) {
          OUT.println("  " + mode + " latency " + stack.label() + " FAILED: " + e);
          for (Row row : List.of(p50, p99, p999)) {
            row.note(stack, "failed: " + e);
          }
          natives.forEach(row -> row.note(stack, "failed: " + e));
        }
      }
    }
  }

  /**
   * The {@code tls-native.*} rows of a TLS section (the toolkit on Conscrypt against Netty on
   * BoringSSL), one per {@code {suffix, unit}}, when both stacks run; empty otherwise.
   */
  private List<Row> nativeRows(
      String mode, Map<Stack, EchoClient> clients, List<String[]> suffixesAndUnits, ResultLine.Better better) {
    if (!mode.equals("tls")
        || !clients.containsKey(Stack.TOOLKIT_CONSCRYPT)
        || !clients.containsKey(Stack.NETTY_OPENSSL)) {
      return List.of();
    }
    List<Row> rows = new ArrayList<>();
    for (String[] suffixAndUnit : suffixesAndUnits) {
      rows.add(report.row("tls-native" + suffixAndUnit[0], suffixAndUnit[1], better,
          Stack.TOOLKIT_CONSCRYPT, Stack.NETTY_OPENSSL));
    }
    return rows;
  }

  /** The idle-memory rows: a fresh server JVM per stack, then n connections that each echo once. */
  private void idle() {
    int n = settings.idleConnections;
    Row heap = report.row("idle.heap.per-conn", "KiB", ResultLine.Better.LOWER).measuredOnce();
    Row rss = report.row("idle.rss.per-conn", "KiB", ResultLine.Better.LOWER).measuredOnce();
    if (n < Settings.FULL_IDLE_CONNECTIONS) {
      String few = "only " + n + " connections";
      heap.doubt(few);
      rss.doubt(few);
    }
    OUT.println();
    OUT.println("== idle: " + n + " connections, stacks " + labels(plainStacks));
    String cannot = IdleConnections.cannotOpen(n);
    if (cannot != null) {
      OUT.println("  SKIPPED: " + cannot);
      for (Stack stack : plainStacks) {
        heap.note(stack, "skipped: " + cannot);
        rss.note(stack, "skipped: " + cannot);
      }
      return;
    }
    for (Stack stack : plainStacks) {
      try (ServerProcess server = ServerProcess.start(settings, stack, null)) {
        IdleConnections.PerConnection cost = IdleConnections.measure(server, n);
        heap.add(stack, cost.heapBytes / 1024);
        rss.add(stack, cost.rssBytes / 1024);
        OUT.printf(Locale.ROOT, "  idle %-13s heap %6.2f KiB/conn  RSS %6.2f KiB/conn  (%s)%n",
            stack.label(), cost.heapBytes / 1024, cost.rssBytes / 1024, cost.detail);
      } catch (Exception e) {
        OUT.println("  idle " + stack.label() + " FAILED: " + e);
        heap.note(stack, "failed: " + e);
        rss.note(stack, "failed: " + e);
      }
    }
  }

  /** The list rotated left by {@code round}, so no stack always runs first or last. */
  static <T> List<T> rotate(List<T> list, int round) {
    List<T> rotated = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      rotated.add(list.get((i + round) % list.size()));
    }
    return rotated;
  }

  static String sizeLabel(int size) {
    return size >= 1024 ? (size / 1024) + "KiB" : size + "B";
  }

  private static String labels(List<Stack> stacks) {
    List<String> labels = new ArrayList<>();
    stacks.forEach(s -> labels.add(s.label()));
    return String.join(", ", labels);
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (Exception e) {
      return "cpu unknown";
    }
    return "cpu unknown";
  }
}
