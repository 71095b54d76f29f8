package dev.sockettoolkit.cli;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.tls.IssuedCertificate;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import dev.sockettoolkit.tls.TrustMaterial;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code toolkit bench}: a loopback echo benchmark of the toolkit alone. For the comparison with
 * Netty, run {@code java -jar toolkit-bench/target/toolkit-bench.jar}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the toolkit on loopback: clients send frames to an in-process echo server with up to"
          + " --window outstanding each; prints progress on stderr (one line redrawn on a terminal, a line"
          + " a second otherwise) and a table of messages/s,"
          + " MB/s and round-trip latency percentiles.",
      "For the side-by-side comparison with Netty, use toolkit-bench.jar."
    })
final class BenchCommand implements Callable<Integer> {
  private static final int SAMPLES_PER_CLIENT = 200_000;

  @Spec CommandSpec spec;

  @Option(names = "--size", paramLabel = "BYTES", defaultValue = "1024", description = "Payload bytes per frame (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--connections", paramLabel = "N", defaultValue = "4", description = "Concurrent connections (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--window", paramLabel = "N", defaultValue = "32", description = "Frames outstanding per connection; 1 measures request/response (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s", description = "How long to measure, after a 1 s warm-up (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--tls", description = "Over TLS (a self-signed certificate made for the run) (default: off).")
  boolean tls;

  @Option(names = "--tls-provider", paramLabel = "PROVIDER", defaultValue = "jdk", description = "With --tls: jdk, conscrypt (BoringSSL) or bc (Bouncy Castle JSSE), both ends (default: ${DEFAULT-VALUE}).")
  String tlsProvider;

  @Mixin VerboseOption verbosity;

  @Mixin FramingOptions framing;

  private final AtomicLong messages = new AtomicLong();
  private volatile boolean measuring;
  private volatile boolean stopping;

  @Override
  public Integer call() throws Exception {
    CertCommand.requirePositive(size + 1, "--size + 1");
    CertCommand.requirePositive(connections, "--connections");
    CertCommand.requirePositive(window, "--window");
    if (framing.isRaw()) {
      throw new UsageException("bench measures frames: choose --framing length, lines or delimiter");
    }
    if (framing.framing == FramingOptions.Framing.length && framing.maxFrame == null) {
      framing.maxFrame = Math.max(size, 1024 * 1024);
    } else if (framing.maxFrame == null) {
      framing.maxFrame = Math.max(size + 2, 8 * 1024);
    }
    FrameCodec<ByteBuffer> codec = framing.codec(true);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    TlsConfig serverTls = null;
    TlsConfig clientTls = null;
    if (!tls && !"jdk".equals(tlsProvider)) {
      throw new UsageException("--tls-provider needs --tls");
    }
    if (tls) {
      IssuedCertificate cert = TlsOptions.selfSigned();
      serverTls = TlsOptions.withProvider(TlsConfig.server(cert.keyMaterial()), tlsProvider).build();
      clientTls =
          TlsOptions.withProvider(
                  TlsConfig.client().trust(TrustMaterial.of(cert.chain().get(cert.chain().size() - 1))),
                  tlsProvider)
              .build();
    }
    TlsConfig benchServerTls = serverTls;
    ServeCommand.Echo echo =
        new ServeCommand.Echo(codec, benchServerTls == null ? null : () -> benchServerTls, err, verbosity.verbose, null);
    byte[] payload = payload(size, framing);
    try (Server server = Server.builder().bind("127.0.0.1", 0).handler(echo::serve).listener(echo).start()) {
      ExecutorService pool = Executors.newFixedThreadPool(connections);
      List<Future<long[]>> clients = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        TlsConfig c = clientTls;
        clients.add(pool.submit(() -> runClient(server.port(), c, codec, payload)));
      }
      Thread.sleep(1000); // warm-up
      messages.set(0);
      measuring = true;
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      // On a terminal one line redrawn in place; into a file or a pipe, a plain line a second.
      boolean terminal = System.console() != null;
      long now;
      while ((now = System.nanoTime()) < end) {
        Thread.sleep(Math.min(terminal ? 500 : 1000, Math.max(1, (end - now) / 1_000_000)));
        double elapsed = (System.nanoTime() - start) / 1e9;
        long n = messages.get();
        String progress = String.format("%5.1f s  %,12d messages  %,12.0f msg/s  %8.1f MB/s",
            elapsed, n, n / elapsed, n * (double) size / elapsed / 1e6);
        if (terminal) {
          err.print("\r" + progress + " ");
        } else {
          err.println("progress " + progress.trim());
        }
        err.flush();
      }
      measuring = false;
      double seconds = (System.nanoTime() - start) / 1e9;
      long total = messages.get();
      stopping = true;
      List<long[]> samples = new ArrayList<>();
      for (Future<long[]> f : clients) {
        samples.add(f.get(30, TimeUnit.SECONDS));
      }
      pool.shutdown();
      if (terminal) {
        err.println();
      }
      long[] latencies = merge(samples);
      out.printf("toolkit bench: %s framing, %d B payload, %d connection(s), window %d, %s, %s%n",
          framing.describe(), size, connections, window, tls ? "TLS" : "plain", Durations.format(duration));
      out.printf("  %-12s %,.0f%n", "messages/s", total / seconds);
      out.printf("  %-12s %,.1f%n", "MB/s", total * (double) size / seconds / 1e6);
      out.printf("  %-12s %s%n", "latency p50", micros(percentile(latencies, 0.50)));
      out.printf("  %-12s %s%n", "latency p99", micros(percentile(latencies, 0.99)));
      out.printf("  %-12s %s%n", "latency p99.9", micros(percentile(latencies, 0.999)));
      out.printf("  %-12s %s%n", "latency max", micros(latencies.length == 0 ? 0 : latencies[latencies.length - 1]));
      out.flush();
    }
    return 0;
  }

  /** Frames of {@code size} bytes that contain no delimiter or newline. */
  private static byte[] payload(int size, FramingOptions framing) {
    byte[] p = new byte[size];
    if (framing.framing == FramingOptions.Framing.length) {
      new Random(1).nextBytes(p);
    } else {
      Arrays.fill(p, (byte) 'x');
    }
    return p;
  }

  /** Pipelines frames with up to {@link #window} outstanding; returns latency samples in ns. */
  private long[] runClient(int port, TlsConfig tlsConfig, FrameCodec<ByteBuffer> codec, byte[] payload)
      throws IOException {
    Connection connection = Client.connect("127.0.0.1", port, ConnectionOptions.defaults());
    if (tlsConfig != null) {
      TlsConnection secure = TlsConnection.client(connection, tlsConfig, "localhost");
      secure.handshake();
      connection = secure;
    }
    long[] sentAt = new long[window];
    long[] samples = new long[SAMPLES_PER_CLIENT];
    int sampled = 0;
    long seen = 0;
    Random reservoir = new Random();
    try (MessageChannel<ByteBuffer> channel = MessageChannel.open(connection, codec)) {
      long sent = 0;
      long received = 0;
      List<ByteBuffer> batch = new ArrayList<>(window);
      while (!stopping || received < sent) {
        if (!stopping && sent - received <= window / 2) {
          long now = System.nanoTime();
          while (sent - received < window) {
            sentAt[(int) (sent++ % window)] = now;
            batch.add(ByteBuffer.wrap(payload));
          }
          channel.sendAll(batch);
          batch.clear();
        }
        if (channel.receive() == null) {
          throw new IOException("the echo server closed the connection");
        }
        long latency = System.nanoTime() - sentAt[(int) (received++ % window)];
        if (measuring) {
          messages.incrementAndGet();
          seen++;
          if (sampled < samples.length) {
            samples[sampled++] = latency;
          } else {
            long slot = (long) (reservoir.nextDouble() * seen);
            if (slot < samples.length) {
              samples[(int) slot] = latency;
            }
          }
        }
      }
    }
    return Arrays.copyOf(samples, sampled);
  }

  private static long[] merge(List<long[]> samples) {
    long[] all = samples.stream().flatMapToLong(Arrays::stream).toArray();
    Arrays.sort(all);
    return all;
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static String micros(long nanos) {
    return String.format("%,.1f us", nanos / 1000.0);
  }
}
