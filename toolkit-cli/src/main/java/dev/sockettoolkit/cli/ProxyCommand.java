package dev.sockettoolkit.cli;

import com.google.common.net.HostAndPort;
import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.testkit.Chunking;
import dev.sockettoolkit.testkit.Fault;
import dev.sockettoolkit.testkit.Loopback;
import dev.sockettoolkit.testkit.NetworkConditions;
import dev.sockettoolkit.tls.KeyMaterial;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import dev.sockettoolkit.tls.TrustMaterial;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code toolkit proxy}: forwards every accepted connection to a target through the testkit's
 * {@link NetworkConditions} (latency, chunking, bandwidth, faults), reproducible from a seed, and
 * with {@code --log-frames} prints the frames going each way.
 */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
      "Forward every connection accepted on --listen to --to, both directions, through a hostile"
          + " network: latency, jitter, a bandwidth limit, chunking and faults, each applied per"
          + " direction and repeatable with --seed. A half-close is passed on; a reset on one side"
          + " resets the other.",
      "Prints 'listening on HOST:PORT' when ready. With --log-frames, decodes both directions with"
          + " the --framing options (without changing a forwarded byte) and prints '-> N bytes:"
          + " PREVIEW' (client to server) or '<- N bytes: PREVIEW' (server to client) per frame,"
          + " prefixed by '[N] ' while more than one connection is open."
    })
final class ProxyCommand implements Callable<Integer> {
  private static final Pattern CHUNK = Pattern.compile("(\\d+)(?:-(\\d+))?");
  /** Chooses the seed when none is given; the seed itself then drives a plain, repeatable Random. */
  private static final SecureRandom SEEDS = new SecureRandom();

  /** Which directions the faults apply to. */
  enum Direction {
    up,
    down,
    both
  }

  @Spec CommandSpec spec;

  @Option(names = "--listen", required = true, paramLabel = "[HOST:]PORT", description = "Where clients connect; port 0 picks a free one (required; HOST default: 127.0.0.1).")
  String listen;

  @Option(names = "--to", required = true, paramLabel = "HOST:PORT", description = "The server every connection is forwarded to (required, no default).")
  String to;

  @Option(names = "--latency", paramLabel = "DURATION", defaultValue = "0ms", description = "One-way delay added to every piece, each direction (default: ${DEFAULT-VALUE}).")
  Duration latency;

  @Option(names = "--jitter", paramLabel = "DURATION", defaultValue = "0ms", description = "Up to this much extra delay at random; order is kept (default: ${DEFAULT-VALUE}).")
  Duration jitter;

  @Option(names = "--bandwidth", paramLabel = "BYTES_PER_SECOND", defaultValue = "0", description = "Limit of each direction in bytes per second; 0 is unlimited (default: ${DEFAULT-VALUE}).")
  long bandwidth;

  @Option(names = "--chunk", paramLabel = "MIN-MAX", description = "Forward in pieces of MIN to MAX bytes (or exactly N), e.g. 1-3 (default: as read).")
  String chunk;

  @Option(names = "--reset-after", paramLabel = "BYTES", description = "Reset the connection (both sides) when a direction has forwarded BYTES bytes (default: never).")
  Long resetAfter;

  @Option(names = "--close-after", paramLabel = "BYTES", description = "End a direction's stream (the receiver reads end of stream) after BYTES bytes (default: never).")
  Long closeAfter;

  @Option(names = "--stall-after", paramLabel = "BYTES", description = "Deliver nothing for --stall once a direction has forwarded BYTES bytes (default: never).")
  Long stallAfter;

  @Option(names = "--stall", paramLabel = "DURATION", description = "How long --stall-after stalls (default: none; required with --stall-after).")
  Duration stall;

  @Option(names = "--corrupt-after", paramLabel = "BYTES", description = "Change the byte that follows the first BYTES bytes of a direction (default: never).")
  Long corruptAfter;

  @Option(names = "--direction", paramLabel = "DIR", defaultValue = "both", description = "Which directions the -after faults apply to, counted per connection: up (client to server), down or both (default: ${DEFAULT-VALUE}).")
  Direction direction;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of every random choice (chunk sizes, jitter); the same seed and traffic repeat a run (default: random, printed at start).")
  Long seed;

  @Option(names = "--log-frames", description = "Print one line per frame each way, decoded with --framing (default: off).")
  boolean logFrames;

  @Option(names = "--tls", description = "Terminate TLS from clients with --cert and --key, so frames inside it can be seen and faulted (default: off).")
  boolean tls;

  @Option(names = "--cert", paramLabel = "PEM", description = "With --tls: the certificate chain the proxy presents to clients (default: none).")
  Path cert;

  @Option(names = "--key", paramLabel = "PEM", description = "With --tls: the private key of --cert (default: none).")
  Path key;

  @Option(names = "--tls-to", description = "Speak TLS to the target (default: off).")
  boolean tlsTo;

  @Option(names = "--ca", paramLabel = "PEM", description = "With --tls-to: CA certificates that verify the target (default: the system's CAs).")
  Path ca;

  @Option(names = "--server-name", paramLabel = "NAME", description = "With --tls-to: the name sent (SNI) and verified (default: the host of --to).")
  String serverName;

  @Mixin VerboseOption verbosity;

  @Mixin FramingOptions framing;

  private final AtomicInteger numbers = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  /** Keeps stderr lines whole when connections report at once. */
  private final Object errLock = new Object();

  private HostAndPort target;
  private FrameCodec<ByteBuffer> codec;
  private TlsConfig listenTls;
  private TlsConfig targetTls;
  private NetworkConditions upConditions;
  private NetworkConditions downConditions;
  private PrintWriter err;
  private OutputStream stdout;

  @Override
  public Integer call() throws Exception {
    HostAndPort listenAt = parseListen(listen);
    target = ConnectCommand.parseTarget(to);
    codec = framing.codec(true);
    err = spec.commandLine().getErr();
    stdout = new FileOutputStream(FileDescriptor.out);
    checkFaults();
    boolean randomSeed = seed == null;
    long chosen = randomSeed ? SEEDS.nextLong() : seed;
    upConditions = conditions(chosen, direction != Direction.down);
    downConditions = conditions(~chosen, direction != Direction.up);
    listenTls = listenTls();
    targetTls = targetTls();
    Server server =
        Server.builder()
            .bind(listenAt.getHost(), listenAt.getPort())
            .options(ConnectionOptions.defaults())
            .drainTimeout(Duration.ZERO)
            .handler(this::relay)
            .start();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> server.stopAsync().awaitTerminated(), "toolkit-proxy-stop"));
    PrintWriter out = spec.commandLine().getOut();
    out.println("listening on " + HostAndPort.fromParts(listenAt.getHost(), server.port()));
    if (randomSeed) {
      out.println("seed " + chosen + " (repeat this run with --seed " + chosen + ")");
    }
    out.flush();
    server.awaitTerminated();
    return 0;
  }

  static HostAndPort parseListen(String value) {
    String v = value.trim();
    HostAndPort parsed;
    try {
      parsed = v.matches("\\d+") ? HostAndPort.fromParts("127.0.0.1", Integer.parseInt(v)) : HostAndPort.fromString(v);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--listen '" + value + "' is not [HOST:]PORT, e.g. 7001 or 127.0.0.1:7001");
    }
    if (!parsed.hasPort()) {
      throw new UsageException("--listen '" + value + "' has no port; write [HOST:]PORT, e.g. 127.0.0.1:7001");
    }
    return parsed;
  }

  private void checkFaults() {
    for (Long bytes : new Long[] {resetAfter, closeAfter, stallAfter, corruptAfter}) {
      if (bytes != null && bytes < 0) {
        throw new UsageException("byte counts must not be negative, got " + bytes);
      }
    }
    if ((stallAfter == null) != (stall == null)) {
      throw new UsageException("--stall-after and --stall go together");
    }
    if (stall != null && (stall.isZero() || stall.isNegative())) {
      throw new UsageException("--stall must be positive, got " + Durations.format(stall));
    }
    if (bandwidth < 0) {
      throw new UsageException("--bandwidth must not be negative, got " + bandwidth);
    }
    if (latency.isNegative() || jitter.isNegative()) {
      throw new UsageException("--latency and --jitter must not be negative");
    }
  }

  /** The conditions of one direction; the two directions differ only in seed and faults. */
  private NetworkConditions conditions(long directionSeed, boolean withFaults) {
    NetworkConditions.Builder b =
        NetworkConditions.builder().seed(directionSeed).latency(latency, jitter).bandwidth(bandwidth);
    if (chunk != null) {
      b.chunking(parseChunk(chunk));
    }
    if (withFaults) {
      if (resetAfter != null) {
        b.fault(Fault.resetAt(resetAfter));
      }
      if (closeAfter != null) {
        b.fault(Fault.endOfStreamAt(closeAfter));
      }
      if (stallAfter != null) {
        b.fault(Fault.stallAt(stallAfter, stall));
      }
      if (corruptAfter != null) {
        b.fault(Fault.corruptAt(corruptAfter));
      }
    }
    return b.build();
  }

  static Chunking parseChunk(String value) {
    Matcher m = CHUNK.matcher(value.trim());
    if (!m.matches()) {
      throw new UsageException("--chunk must be MIN-MAX or N bytes, e.g. 1-3, got '" + value + "'");
    }
    int min = Integer.parseInt(m.group(1));
    int max = m.group(2) == null ? min : Integer.parseInt(m.group(2));
    if (min <= 0 || max < min) {
      throw new UsageException("--chunk needs 0 < MIN <= MAX, got '" + value + "'");
    }
    return min == max ? Chunking.fixed(min) : Chunking.random(min, max);
  }

  private TlsConfig listenTls() throws IOException {
    if (!tls) {
      if (cert != null || key != null) {
        throw new UsageException("--cert and --key need --tls");
      }
      return null;
    }
    if (cert == null || key == null) {
      throw new UsageException("--tls needs --cert and --key: the proxy terminates TLS from clients");
    }
    return TlsConfig.server(KeyMaterial.fromPem(cert, key)).build();
  }

  private TlsConfig targetTls() throws IOException {
    if (!tlsTo) {
      if (ca != null || serverName != null) {
        throw new UsageException((ca != null ? "--ca" : "--server-name") + " needs --tls-to");
      }
      return null;
    }
    return TlsConfig.client().trust(ca != null ? TrustMaterial.fromPem(ca) : TrustMaterial.system()).build();
  }

  /** One proxied connection: connect to the target, then pump both ways until both have ended. */
  private void relay(Connection accepted) throws InterruptedException {
    int number = numbers.incrementAndGet();
    open.incrementAndGet();
    String peer = ServeCommand.peer(accepted.remoteAddress());
    Connection client = accepted;
    Connection server = null;
    try {
      client = ServeCommand.secure(accepted, listenTls);
      server = Client.connect(target.getHost(), target.getPort(), ConnectionOptions.defaults());
      if (targetTls != null) {
        TlsConnection secure = TlsConnection.client(server, targetTls, serverName != null ? serverName : target.getHost());
        server = secure;
        secure.handshake();
      }
      note("[" + number + "] " + peer + " -> " + target);
      Connection toServer = Loopback.wrap(logFrames ? new FrameLog(server, "->", number, codec, stdout, open::get) : server, upConditions);
      Connection toClient = Loopback.wrap(logFrames ? new FrameLog(client, "<-", number, codec, stdout, open::get) : client, downConditions);
      Connection fromServer = server;
      Thread back =
          new Thread(() -> pump(number, "<-", fromServer, toClient, direction != Direction.up), "proxy " + number + " <-");
      back.setDaemon(true);
      back.start();
      pump(number, "->", client, toServer, direction != Direction.down);
      back.join();
      closeQuietly(toServer);
      closeQuietly(toClient);
      note("[" + number + "] closed");
    } catch (IOException | RuntimeException e) {
      report("[" + number + "] " + peer, e);
      client.abort();
      if (server != null) {
        server.abort();
      }
    } finally {
      open.decrementAndGet();
    }
  }

  /**
   * Copies {@code from} to {@code to} until end of stream (passed on as a half-close) or a failure
   * (a reset of both). An injected {@code --close-after} ends only this direction.
   */
  private void pump(int number, String arrow, Connection from, Connection to, boolean faulted) {
    ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    long forwarded = 0;
    try {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        int size = buffer.remaining();
        try {
          to.write(buffer);
        } catch (IOException e) {
          Long fired = faulted ? firstFault(forwarded, forwarded + size) : null;
          if (fired != null && fired.equals(closeAfter)) {
            note("[" + number + "] " + arrow + " stream ended after " + closeAfter + " bytes (--close-after)");
            return;
          }
          if (fired != null) {
            note("[" + number + "] " + arrow + " reset after " + resetAfter + " bytes (--reset-after)");
          }
          throw e;
        }
        forwarded += size;
        buffer.clear();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      from.abort();
      to.abort();
    }
  }

  /** The offset of the reset or close fault that a write of bytes [start, end) ran into, or null. */
  private Long firstFault(long start, long end) {
    Long first = null;
    for (Long offset : new Long[] {resetAfter, closeAfter}) {
      if (offset != null && offset >= start && offset < end && (first == null || offset < first)) {
        first = offset;
      }
    }
    return first;
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (IOException e) {
      c.abort();
    }
  }

  private void note(String message) {
    synchronized (errLock) {
      err.println("proxy: " + message);
      err.flush();
    }
  }

  private void report(String who, Throwable e) {
    synchronized (errLock) {
      if (verbosity.verbose) {
        e.printStackTrace(err);
      }
      err.println("proxy: " + who + ": " + Errors.describe(e));
      err.flush();
    }
  }
}
