package dev.sockettoolkit.cli;

import com.google.common.net.HostAndPort;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionListener;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.core.ProxyProtocol;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.tls.ClientAuth;
import dev.sockettoolkit.tls.ReloadableTlsConfig;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import java.io.BufferedInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code toolkit serve}: an echo server or a stdin/stdout peer, plain or TLS, with any framing. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Echo every received frame back on the same connection, or (--mode stdio) print received"
          + " frames and send lines of stdin.",
      "Prints 'listening on HOST:PORT' when ready; stops on Ctrl-C (SIGINT or SIGTERM), letting"
          + " a message in progress finish for up to 10 s; connections idle between messages close at once."
    })
final class ServeCommand implements Callable<Integer> {
  /** How often serve --crl looks for a new CRL or certificate. */
  static final Duration CRL_RELOAD_INTERVAL = Duration.ofSeconds(10);

  @Spec CommandSpec spec;

  @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", paramLabel = "P", defaultValue = "0", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "5m", description = "Close a connection silent this long; also the longest one frame may take to arrive whole, so a peer trickling bytes is cut too (default: ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10000", description = "Connections served at once; more are refused (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--client-auth", paramLabel = "MODE", description = "TLS client certificates: none, optional or required (default: required with --ca, else none).")
  ClientAuth clientAuth;

  @Option(names = "--stats", paramLabel = "DURATION", description = "Print a line starting 'stats ' to stdout every DURATION: active connections, connections opened, messages/s and MB/s in each direction and TLS handshake failures by reason since the previous line (default: off).")
  Duration stats;

  @Option(names = "--self-signed", description = "With --tls: make a certificate for localhost, 127.0.0.1 and ::1 and print its SHA-256 fingerprint (default: off).")
  boolean selfSigned;

  /** What the server does with the frames it receives. */
  enum Mode {
    echo,
    stdio
  }

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      defaultValue = "echo",
      description = {
        "echo: send every frame back on its connection. stdio: print every received frame to"
            + " stdout, prefixed by '[N] ' (the connection's number) while more than one connection"
            + " is open, and send each line of stdin as one frame to every open connection, or to"
            + " connection N only when the line is '@N text' (default: ${DEFAULT-VALUE})."
      })
  Mode mode;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "With --mode stdio: how frames are printed and stdin lines read: text, hex or"
          + " base64; under text a frame that is not valid UTF-8 is printed as hex:HEX"
          + " (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--proxy-protocol", paramLabel = "VERSION", description = "Require a PROXY protocol header (v1, v2 or any) from every connection, read before TLS; needs --trusted-proxy (default: off).")
  String proxyProtocol;

  @Option(names = "--trusted-proxy", paramLabel = "CIDR", split = ",", description = "With --proxy-protocol: the proxies' addresses or CIDR ranges (IPv4 or IPv6), comma-separated; connections from anywhere else are refused (default: none).")
  List<String> trustedProxies;

  @Option(names = "--log-connections", description = "Print 'accepted HOST:PORT' (and ' via PROXY_HOST:PORT' behind a proxy) on stdout for each accepted connection (default: off).")
  boolean logConnections;

  @Mixin VerboseOption verbosity;

  @Mixin FramingOptions framing;

  @Mixin TlsOptions tlsOptions;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new UsageException("--port must be 0 to 65535, got " + port);
    }
    CertCommand.requirePositive(maxConnections, "--max-connections");
    if (stats != null && stats.toMillis() < 10) {
      throw new UsageException("--stats must be at least 10ms, got " + Durations.format(stats));
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    FrameCodec<ByteBuffer> codec = framing.codec(true);
    List<String> notes = new ArrayList<>();
    TlsConfig first = tlsOptions.serverConfig(selfSigned, clientAuth, notes);
    Supplier<TlsConfig> tls = first == null ? null : () -> first;
    if (first != null && !tlsOptions.crl.isEmpty() && tlsOptions.cert != null) {
      // A CRL is republished before its nextUpdate: pick up the new one (and a renewed
      // certificate) without a restart. Each change rebuilds the configuration from the options;
      // one that does not load is reported and the previous one stays.
      tls = ReloadableTlsConfig.watchPem(
          tlsOptions.cert, tlsOptions.key, tlsOptions.keyPassword,
          key -> tlsOptions.serverConfig(false, clientAuth, new ArrayList<>()),
          CRL_RELOAD_INTERVAL);
    }
    Server.Builder builder =
        Server.builder()
            .bind(host, port)
            .options(ConnectionOptions.serverDefaults().toBuilder().idleTimeout(idleTimeout).build())
            .maxConnections(maxConnections);
    configureProxyProtocol(builder);
    StdioServer stdio = null;
    ConnectionListener listener;
    if (mode == Mode.stdio) {
      stdio = new StdioServer(codec, tls, format, new FileOutputStream(FileDescriptor.out), err, verbosity.verbose);
      builder.handler(stdio::serve);
      listener = stdio;
    } else {
      Echo echo = new Echo(codec, tls, err, verbosity.verbose, idleTimeout);
      builder.handler(echo::serve);
      listener = echo;
    }
    builder.listener(logConnections ? new ConnectionLog(listener, out) : listener);
    Server server = builder.start();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> server.stopAsync().awaitTerminated(), "toolkit-serve-stop"));
    // The ready line comes first, so that a script can wait for it as the first line.
    out.println("listening on " + HostAndPort.fromParts(host, server.port()));
    notes.forEach(out::println);
    out.flush();
    if (stats != null) {
      ScheduledExecutorService printer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "toolkit-serve-stats");
                t.setDaemon(true);
                return t;
              });
      printer.scheduleAtFixedRate(
          new StatsLine(server.metrics(), out), stats.toMillis(), stats.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (stdio != null) {
      StdioServer reader = stdio;
      InputStream stdin = new BufferedInputStream(new FileInputStream(FileDescriptor.in), 64 * 1024);
      ConnectCommand.daemonThread("toolkit-serve-stdin").execute(() -> reader.readInput(stdin));
    }
    server.awaitTerminated();
    return 0;
  }

  private void configureProxyProtocol(Server.Builder builder) {
    if (proxyProtocol == null) {
      if (trustedProxies != null) {
        throw new UsageException("--trusted-proxy needs --proxy-protocol v1, v2 or any");
      }
      return;
    }
    ProxyProtocol version = switch (proxyProtocol.toLowerCase(Locale.ROOT)) {
      case "v1" -> ProxyProtocol.V1;
      case "v2" -> ProxyProtocol.V2;
      case "any" -> ProxyProtocol.ANY;
      default -> throw new UsageException("--proxy-protocol must be v1, v2 or any, got '" + proxyProtocol + "'");
    };
    if (trustedProxies == null || trustedProxies.isEmpty()) {
      throw new UsageException("--proxy-protocol needs --trusted-proxy CIDR[,CIDR...]: the proxies allowed to connect");
    }
    try {
      builder.proxyProtocol(version, trustedProxies).proxyProtocolTimeout(tlsOptions.handshakeTimeout);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--trusted-proxy: " + e.getMessage());
    }
  }

  /** {@code plain} after a TLS handshake as the server, or unchanged without TLS. */
  static Connection secure(Connection plain, TlsConfig tls) throws IOException {
    if (tls == null) {
      return plain;
    }
    TlsConnection secure = TlsConnection.server(plain, tls);
    try {
      secure.handshake();
    } catch (IOException | RuntimeException e) {
      secure.abort();
      throw e;
    }
    return secure;
  }

  static String peer(SocketAddress address) {
    if (address instanceof InetSocketAddress) {
      InetSocketAddress inet = (InetSocketAddress) address;
      return HostAndPort.fromParts(inet.getAddress().getHostAddress(), inet.getPort()).toString();
    }
    return String.valueOf(address);
  }

  /** Echoes frames on each connection; reports each failure as one line naming the peer. */
  static final class Echo implements ConnectionListener {
    private final FrameCodec<ByteBuffer> codec;
    private final Supplier<TlsConfig> tls;
    private final PrintWriter err;
    private final boolean verbose;
    private final Duration messageDeadline;

    Echo(FrameCodec<ByteBuffer> codec, Supplier<TlsConfig> tls, PrintWriter err, boolean verbose, Duration messageDeadline) {
      this.codec = codec;
      this.tls = tls;
      this.err = err;
      this.verbose = verbose;
      this.messageDeadline = messageDeadline;
    }

    void serve(Connection plain) {
      String peer = peer(plain.remoteAddress());
      Connection connection = plain;
      try {
        connection = secure(plain, tls == null ? null : tls.get());
        if (codec == null) {
          echoBytes(connection);
        } else {
          echoFrames(connection);
        }
        connection.close();
      } catch (ConnectionTimeoutException e) {
        report(peer, e.kind() == ConnectionTimeoutException.Kind.READ
            ? new IOException("no whole frame arrived within " + Durations.format(messageDeadline)
                + " (raise it with --idle-timeout)")
            : e);
        connection.abort();
      } catch (IOException | RuntimeException e) {
        report(peer, e);
        connection.abort();
      }
    }

    private void echoBytes(Connection connection) throws IOException {
      ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
      while (connection.read(buffer) >= 0) {
        buffer.flip();
        connection.write(buffer);
        buffer.clear();
      }
      connection.shutdownOutput();
    }

    private void echoFrames(Connection connection) throws IOException {
      echo(MessageChannel.open(connection, codec), messageDeadline);
    }

    /**
     * Echoes until the peer ends its stream; all frames one read brought go back in one write,
     * lent by {@code receiveBatch} rather than copied. The first frame of each batch must arrive
     * whole within {@code deadline} (null: no deadline), so a peer that trickles bytes cannot hold
     * the connection forever.
     */
    static void echo(MessageChannel<ByteBuffer> channel, Duration deadline) throws IOException {
      while (deadline == null
          ? channel.receiveBatch(channel::sendAll)
          : channel.receiveBatch(deadline, channel::sendAll)) {
        // each batch went back in one write
      }
      channel.close();
    }

    private void report(String peer, Throwable e) {
      synchronized (err) {
        if (verbose) {
          e.printStackTrace(err);
        }
        err.println("serve: " + peer + ": " + Errors.describe(e));
        err.flush();
      }
    }

    @Override
    public void rejected(SocketAddress remote, String reason) {
      report(peer(remote), new IOException("refused: " + reason));
    }
  }
}
