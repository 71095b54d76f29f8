package dev.sockettoolkit.bench;

import dev.sockettoolkit.core.ConnectionMetrics;
import dev.sockettoolkit.core.ConnectionOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdk.jfr.Recording;

/**
 * What observability costs: the plain 64 B echo of the toolkit, one connection, with a JFR
 * recording on in both JVMs and the client's connections counted in a {@link ConnectionMetrics}
 * (read once a second, as a stats line would), against the same with the recording off and the
 * client not counted, rounds alternating. The server's own counters cannot be switched off (they
 * are always on by design), so both sides of the row have them; the row measures the recordings,
 * the client's counting and the reading.
 *
 * <p>Its {@code RESULT} line keeps the format of the others: the {@code toolkit} column is "on",
 * the {@code netty} column is "off", and the ratio is on/off (target: at least 0.97).
 */
final class ObservabilityCost {
  static final String ROW = "observability.plain.throughput.64B";
  private static final int SIZE = 64;

  private ObservabilityCost() {}

  /** Runs the row and returns its {@code RESULT} line. */
  static String run(Settings settings, PrintStream out, List<String> runDoubts) throws Exception {
    out.println();
    out.println("== observability: toolkit plain " + SIZE + " B echo, 1 connection,"
        + " metrics and JFR on vs off");
    Path dir = Files.createTempDirectory("toolkit-bench-jfr");
    Path serverRecording = dir.resolve("server.jfr");
    Path clientRecording = dir.resolve("client.jfr");
    List<Double> on = new ArrayList<>();
    List<Double> off = new ArrayList<>();
    try (ServerProcess plain = ServerProcess.start(settings, Stack.TOOLKIT, null);
        ServerProcess recorded =
            ServerProcess.start(settings, Stack.TOOLKIT, null,
                List.of(
                    // Its startup note would go to stdout, where the benchmark reads LISTENING.
                    "-Xlog:jfr+startup=off",
                    "-XX:StartFlightRecording=settings=default,filename=" + serverRecording))) {
      ConnectionMetrics metrics = ConnectionMetrics.create();
      EchoClient counted =
          new ToolkitEcho.Client(null, true, ConnectionOptions.defaults().toBuilder().metrics(metrics).build());
      EchoClient uncounted = new ToolkitEcho.Client(null, true);
      // Unmeasured first, for the JIT of both JVMs.
      warmUp(uncounted, plain, settings.stackWarmupMillis / 2);
      warmUp(counted, recorded, settings.stackWarmupMillis / 2);
      for (int round = 0; round < settings.rounds; round++) {
        for (int half = 0; half < 2; half++) {
          boolean observed = (half + round) % 2 == 0;
          double rate;
          if (observed) {
            try (Recording recording = new Recording(jdk.jfr.Configuration.getConfiguration("default"))) {
              recording.setDestination(clientRecording);
              recording.start();
              rate = measure(counted, recorded, settings.warmupMillis, settings.measureMillis, metrics);
              recording.stop();
            }
            on.add(rate);
          } else {
            rate = measure(uncounted, plain, settings.warmupMillis, settings.measureMillis, null);
            off.add(rate);
          }
          out.printf(Locale.ROOT, "  %-28s %-13s %12.0f msg/s%n",
              "observability " + SIZE + "B", observed ? "on" : "off", rate);
        }
      }
      out.printf(Locale.ROOT, "  client metrics read: %s%n", metrics.snapshot().messagesWritten() > 0
          ? metrics.snapshot().messagesWritten() + " messages counted" : "nothing counted");
    } finally {
      Files.deleteIfExists(serverRecording);
      Files.deleteIfExists(clientRecording);
      Files.deleteIfExists(dir);
    }
    double onRate = median(on);
    double offRate = median(off);
    out.printf(Locale.ROOT, "  on/off: %s (medians of %d rounds; target >= 0.97)%n",
        ResultLine.ratio(onRate, offRate), settings.rounds);
    List<String> doubts =
        new ArrayList<>(
            Confidence.doubts("on", Confidence.doubt(on, false), "off", Confidence.doubt(off, false)));
    String shortRounds = Settings.shortRounds(settings.warmupMillis, settings.measureMillis);
    if (shortRounds != null) {
      doubts.add(shortRounds);
    }
    doubts.addAll(runDoubts);
    if (!doubts.isEmpty()) {
      out.println("  indicative: " + String.join("; ", doubts));
    }
    return ResultLine.format(
        ROW, "msg/s", onRate, offRate, ResultLine.Better.HIGHER, Confidence.of(doubts));
  }

  private static void warmUp(EchoClient client, ServerProcess server, long millis) throws Exception {
    EchoClient.Load load = client.startLoad(server.port(), 1, SIZE, Settings.window(SIZE));
    try {
      Thread.sleep(Math.max(1, millis));
    } finally {
      load.close();
    }
  }

  /** Messages per second over {@code measureMillis} after {@code warmupMillis}. */
  private static double measure(
      EchoClient client, ServerProcess server, long warmupMillis, long measureMillis, ConnectionMetrics read)
      throws Exception {
    try (EchoClient.Load load = client.startLoad(server.port(), 1, SIZE, Settings.window(SIZE))) {
      Thread.sleep(warmupMillis);
      long c0 = load.received();
      long t0 = System.nanoTime();
      long end = t0 + measureMillis * 1_000_000L;
      for (long now; (now = System.nanoTime()) < end; ) {
        Thread.sleep(Math.min(1000, Math.max(1, (end - now) / 1_000_000)));
        if (read != null) {
          read.snapshot(); // what a stats line or a meter registry does once a period
        }
      }
      long c1 = load.received();
      return (c1 - c0) * 1e9 / (System.nanoTime() - t0);
    }
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
