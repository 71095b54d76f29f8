package dev.sockettoolkit.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** How long and how often to measure: the full run, or {@code --quick}. */
final class Settings {
  /** Frames kept in flight on each connection in the throughput rows, at most. */
  static final int WINDOW = 128;
  /** Bytes of payload kept in flight on each connection, at most: 32 frames of 64 KiB. */
  static final int WINDOW_BYTES = 2 << 20;
  /** Payload sizes of the throughput rows. */
  static final int[] SIZES = {64, 1024, 64 * 1024};
  /** Connection counts of the throughput rows. */
  static final int[] CONNECTIONS = {1, 16};
  /** Payload size of the latency rows. */
  static final int LATENCY_SIZE = 64;
  /** Largest frame any stack accepts; the benchmark never sends more than 64 KiB. */
  static final int MAX_FRAME = 1 << 20;
  /** Warm-up before each measurement in the full run; shorter makes a row indicative. */
  static final long FULL_WARMUP_MILLIS = 1000;
  /** Length of each measurement in the full run; shorter makes a row indicative. */
  static final long FULL_MEASURE_MILLIS = 2000;
  /** Connections of the idle rows in the full run; fewer make them indicative. */
  static final int FULL_IDLE_CONNECTIONS = 10_000;

  boolean quick;
  int rounds = 3;
  /** Unmeasured load on each stack before its first row, for the JIT. */
  long stackWarmupMillis = 5000;
  long warmupMillis = FULL_WARMUP_MILLIS;
  long measureMillis = FULL_MEASURE_MILLIS;
  long latencyWarmupMillis = FULL_WARMUP_MILLIS;
  long latencyMeasureMillis = FULL_MEASURE_MILLIS;
  int latencyMaxSamples = 2_000_000;
  int idleConnections = FULL_IDLE_CONNECTIONS;
  /** Payload sizes of the throughput rows to run: all of {@link #SIZES} unless narrowed. */
  int[] sizes = SIZES;
  /** Connection counts of the throughput rows to run. */
  int[] connections = CONNECTIONS;
  boolean plain = true;
  boolean tls = true;
  boolean latency = true;
  boolean idle = true;
  /** The row of what metrics and JFR cost ({@link ObservabilityCost}). */
  boolean observability = true;
  List<Stack> stacks =
      new ArrayList<>(
          List.of(
              Stack.TOOLKIT, Stack.NETTY_NIO, Stack.NETTY_EPOLL, Stack.TOOLKIT_CONSCRYPT,
              Stack.NETTY_OPENSSL, Stack.SOCKET));
  /** The java launcher for the server JVMs; null means the one running the benchmark. */
  String serverJava;
  /** Extra options for the server JVMs, e.g. {@code -Xss256k}. */
  List<String> serverJvmArgs = new ArrayList<>();

  /** The window for frames of {@code size} bytes: {@link #WINDOW}, or fewer for large frames. */
  static int window(int size) {
    return Math.max(1, Math.min(WINDOW, WINDOW_BYTES / size));
  }

  static Settings parse(String... args) {
    Settings s = new Settings();
    boolean stacksGiven = false;
    for (String arg : args) {
      if (arg.equals("--quick")) {
        s.quick = true;
        s.rounds = 1;
        s.stackWarmupMillis = 600;
        s.warmupMillis = 200;
        s.measureMillis = 400;
        s.latencyWarmupMillis = 250;
        s.latencyMeasureMillis = 500;
        s.idleConnections = 1_000;
      } else if (arg.startsWith("--rounds=")) {
        s.rounds = positive(arg);
      } else if (arg.startsWith("--warmup-ms=")) {
        s.warmupMillis = positive(arg);
        s.latencyWarmupMillis = s.warmupMillis;
      } else if (arg.startsWith("--measure-ms=")) {
        s.measureMillis = positive(arg);
        s.latencyMeasureMillis = s.measureMillis;
      } else if (arg.startsWith("--idle-connections=")) {
        s.idleConnections = positive(arg);
      } else if (arg.startsWith("--sizes=")) {
        s.sizes = subset(arg, SIZES);
      } else if (arg.startsWith("--connections=")) {
        s.connections = subset(arg, CONNECTIONS);
      } else if (arg.startsWith("--only=")) {
        List<String> parts = List.of(value(arg).split(","));
        s.plain = parts.contains("plain");
        s.tls = parts.contains("tls");
        s.latency = parts.contains("latency");
        s.idle = parts.contains("idle");
        s.observability = parts.contains("observability");
      } else if (arg.startsWith("--stacks=")) {
        stacksGiven = true;
        s.stacks = new ArrayList<>();
        for (String label : value(arg).split(",")) {
          s.stacks.add(Stack.fromLabel(label));
        }
        if (!s.stacks.contains(Stack.TOOLKIT) || !s.stacks.contains(Stack.NETTY_NIO)) {
          throw new IllegalArgumentException("--stacks must include toolkit and netty-nio, the RESULT columns");
        }
      } else if (arg.startsWith("--server-java=")) {
        s.serverJava = value(arg);
      } else if (arg.startsWith("--server-jvm-arg=")) {
        s.serverJvmArgs.add(value(arg));
      } else {
        throw new IllegalArgumentException("unknown argument '" + arg + "'\n" + usage());
      }
    }
    if (s.quick && !stacksGiven) {
      // The two columns of the RESULT lines; the others would double the time.
      s.stacks = new ArrayList<>(List.of(Stack.TOOLKIT, Stack.NETTY_NIO));
    }
    return s;
  }

  /**
   * Why rounds of a {@code warmupMillis} warm-up and a {@code measureMillis} measurement are too
   * short for more than an indicative figure, or null when they are as long as the full run's.
   */
  static String shortRounds(long warmupMillis, long measureMillis) {
    if (warmupMillis >= FULL_WARMUP_MILLIS && measureMillis >= FULL_MEASURE_MILLIS) {
      return null;
    }
    return "short rounds " + warmupMillis + "+" + measureMillis + " ms";
  }

  /** The values of {@code arg}, a comma-separated list, each of which must be one of {@code allowed}. */
  private static int[] subset(String arg, int[] allowed) {
    String[] parts = value(arg).split(",");
    int[] chosen = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      int v = Integer.parseInt(parts[i].trim());
      if (Arrays.stream(allowed).noneMatch(a -> a == v)) {
        throw new IllegalArgumentException(
            arg + ": " + v + " is not one of " + Arrays.toString(allowed));
      }
      chosen[i] = v;
    }
    return chosen;
  }

  static String usage() {
    return String.join("\n",
        "usage: java -jar toolkit-bench/target/toolkit-bench.jar [options]",
        "  --quick                 one short round, toolkit and netty-nio only, 1,000 idle connections: under a minute",
        "  --rounds=N              rounds per row, stacks alternating within each (default 3)",
        "  --warmup-ms=N           warm-up before each measurement (default 1000)",
        "  --measure-ms=N          length of each measurement (default 2000)",
        "  --idle-connections=N    connections in the idle-memory rows (default 10000)",
        "  --only=plain,tls,latency,idle,observability   run only these groups of rows",
        "  --sizes=64,1024,65536   payload sizes of the throughput rows to run (default: all three)",
        "  --connections=1,16      connection counts of the throughput rows to run (default: both)",
        "  --stacks=toolkit,netty-nio,netty-epoll,toolkit-conscrypt,netty-openssl,socket   columns to run (default: these;",
        "                          on request: toolkit-owned, messages copied out by receive instead",
        "                          of lent by receiveBatch; toolkit-simple, a send per message; and",
        "                          toolkit-writer, a second thread sending what queued up with one sendAll)",
        "  --server-java=PATH      java launcher for the server JVMs (e.g. a JDK 21+ for virtual threads)",
        "  --server-jvm-arg=OPT    one more option for the server JVMs (repeatable), e.g. -Xss256k",
        "Every row prints once as: RESULT name=<row> unit=<unit> toolkit=<v> netty=<v> ratio=<toolkit/netty>"
            + " better=<higher|lower> confidence=<high|indicative>; netty is Netty's NIO transport"
            + " (JDK TLS provider in TLS rows); in the tls-native.* rows toolkit is the toolkit on Conscrypt"
            + " and netty is Netty on BoringSSL (netty-tcnative).",
        "A row is indicative when the rounds of toolkit or netty spread by more than "
            + Math.round(Confidence.MAX_SPREAD * 100) + "%, when it has a single or short round (--quick), or when the machine was not quiet at the start.",
        "The row observability.plain.throughput.64B compares the toolkit with itself: toolkit=<metrics and"
            + " JFR on> netty=<both off>, ratio on/off.");
  }

  private static String value(String arg) {
    return arg.substring(arg.indexOf('=') + 1);
  }

  private static int positive(String arg) {
    int n = Integer.parseInt(value(arg));
    if (n <= 0) {
      throw new IllegalArgumentException(arg + ": must be positive");
    }
    return n;
  }
}
