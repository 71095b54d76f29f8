package dev.sockettoolkit.cli;

import com.google.common.net.HostAndPort;
import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code toolkit connect HOST:PORT}: stdin lines out as frames, received frames in as lines. */
@Command(
    name = "connect",
    mixinStandardHelpOptions = true,
    description = {
      "Send each line of stdin as one frame (without its newline) and print each received frame as"
          + " one line, as it arrives: replies and messages the server pushes at any time.",
      "By default (--until eof) half-closes once stdin has ended and exits 0 when the server ends"
          + " the stream; with --framing raw, bytes are copied both ways."
    })
final class ConnectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "HOST:PORT", description = "Where to connect, e.g. 127.0.0.1:7000 or [::1]:7000.")
  String target;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s", description = "Longest to wait for the connection (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(names = "--reply-timeout", paramLabel = "DURATION", defaultValue = "30s", description = "After stdin ends, longest to wait without a reply while replies are outstanding (raw: until the server ends its stream) (default: ${DEFAULT-VALUE}).")
  Duration replyTimeout;

  @Option(names = "--server-name", paramLabel = "NAME", description = "TLS: the name sent (SNI) and verified (default: the host).")
  String serverName;

  @Option(names = "--insecure", description = "TLS: do not verify the server (tests only; prints a warning) (default: off).")
  boolean insecure;

  @Option(
      names = "--until",
      paramLabel = "WHEN",
      defaultValue = "eof",
      converter = Until.Parser.class,
      description = {
        "What ends the session once stdin has ended: eof (half-close, then print everything until"
            + " the server ends its stream; fails after --reply-timeout of silence), replies (one"
            + " reply per line sent, then close; not with --framing raw) or idle:DURATION (close once"
            + " nothing has arrived for DURATION, e.g. idle:2s) (default: ${DEFAULT-VALUE})."
      })
  Until until;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "How received frames are printed and stdin lines read: text, hex or base64."
          + " Under text a frame that is not valid UTF-8 is printed as hex:HEX; with --framing raw"
          + " and text, bytes are copied unchanged both ways (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--reconnect", description = "Keep the session alive across server restarts: reconnect with exponential backoff and full jitter (100 ms doubling to 10 s), say so on stderr and resend the line whose send failed; needs framing (default: off).")
  boolean reconnect;

  @Option(names = "--reconnect-for", paramLabel = "DURATION", defaultValue = "5m", description = "With --reconnect: give up reconnecting after this long (default: ${DEFAULT-VALUE}).")
  Duration reconnectFor;

  @Mixin VerboseOption verbosity;

  @Mixin FramingOptions framing;

  @Mixin TlsOptions tlsOptions;

  @Override
  public Integer call() throws Exception {
    HostAndPort hostAndPort = parseTarget(target);
    PrintWriter err = spec.commandLine().getErr();
    FrameCodec<ByteBuffer> codec = framing.codec(false);
    if (codec == null && until.kind() == Until.Kind.REPLIES) {
      throw new UsageException("--until replies counts frames, and --framing raw has none; use eof or idle:DURATION");
    }
    TlsConfig tls = tlsOptions.clientConfig(insecure, err);
    if (serverName != null) {
      tlsOptions.requireTlsFor("--server-name", true);
    }
    ConnectionOptions options = ConnectionOptions.builder().connectTimeout(connectTimeout).build();
    if (reconnect) {
      if (codec == null || until.kind() != Until.Kind.EOF) {
        throw new UsageException("--reconnect needs framing (not raw) and --until eof");
      }
      new ReconnectSession(target, options, tls, serverName, reconnectFor, codec, format, err)
          .run(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 64 * 1024),
              new FileOutputStream(FileDescriptor.out), replyTimeout);
      return 0;
    }
    Connection connection =
        Client.connect(hostAndPort.getHost(), hostAndPort.getPort(), options);
    try {
      if (tls != null) {
        String name = serverName != null ? serverName : hostAndPort.getHost();
        TlsConnection secure = TlsConnection.client(connection, tls, name);
        connection = secure;
        secure.handshake();
      }
      OutputStream stdout = new FileOutputStream(FileDescriptor.out);
      InputStream stdin = new BufferedInputStream(new FileInputStream(FileDescriptor.in), 64 * 1024);
      exchange(connection, codec, stdin, stdout);
      return 0;
    } catch (IOException | RuntimeException | InterruptedException | ExecutionException e) {
      connection.abort();
      throw e;
    }
  }

  static HostAndPort parseTarget(String target) {
    HostAndPort hostAndPort;
    try {
      hostAndPort = HostAndPort.fromString(target);
    } catch (IllegalArgumentException e) {
      throw new UsageException("'" + target + "' is not HOST:PORT");
    }
    if (!hostAndPort.hasPort()) {
      throw new UsageException("'" + target + "' has no port; write HOST:PORT, e.g. 127.0.0.1:7000");
    }
    if (hostAndPort.getPort() == 0) {
      throw new UsageException("port 0 is not a port to connect to");
    }
    return hostAndPort;
  }

  /**
   * Sends stdin (lines as frames, or bytes as they are with raw text) while a second thread prints
   * everything received as it arrives; once stdin has ended, waits as {@code --until} says.
   */
  private void exchange(
      Connection connection, FrameCodec<ByteBuffer> codec, InputStream stdin, OutputStream stdout)
      throws Exception {
    MessageChannel<ByteBuffer> channel = codec == null ? null : MessageChannel.open(connection, codec);
    boolean copyBytes = channel == null && format == Format.text;
    AtomicLong received = new AtomicLong();
    AtomicLong lastReceived = new AtomicLong(System.nanoTime());
    AtomicBoolean stopping = new AtomicBoolean();
    Object progress = new Object();
    CompletableFuture<Void> receiving =
        CompletableFuture.runAsync(
            () -> {
              try {
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                while (true) {
                  ByteBuffer frame;
                  if (channel != null) {
                    frame = channel.receive();
                    if (frame == null) {
                      break;
                    }
                  } else {
                    buffer.clear();
                    if (connection.read(buffer) < 0) {
                      break;
                    }
                    frame = buffer.flip();
                  }
                  if (copyBytes) {
                    stdout.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
                  } else {
                    stdout.write(format.print(frame));
                    stdout.write('\n');
                  }
                  stdout.flush();
                  lastReceived.set(System.nanoTime());
                  synchronized (progress) {
                    received.incrementAndGet();
                    progress.notifyAll();
                  }
                }
              } catch (IOException e) {
                if (!stopping.get()) {
                  throw new UncheckedIOException(e);
                }
              } finally {
                synchronized (progress) {
                  progress.notifyAll();
                }
              }
            },
            daemonThread("toolkit-connect-reader"));
    long sent = copyBytes ? copyStdin(connection, stdin, receiving) : sendLines(channel, connection, stdin, receiving);
    switch (until.kind()) {
      case REPLIES:
        awaitReplies(sent, received, progress, receiving);
        break;
      case IDLE:
        awaitQuiet(receiving, lastReceived, until.idle(), false);
        break;
      default:
        if (!receiving.isDone()) {
          connection.shutdownOutput(); // the server reads end of stream, and may end its own
        }
        awaitQuiet(receiving, lastReceived, replyTimeout, true);
        break;
    }
    stopping.set(true);
    if (receiving.isDone()) {
      receiving.join(); // the server closed: rethrows if that was an error
    }
    if (channel != null) {
      channel.close();
    } else {
      connection.close();
    }
  }

  /** Copies stdin's bytes unchanged (raw framing, text format). */
  private static long copyStdin(Connection connection, InputStream stdin, CompletableFuture<Void> receiving)
      throws IOException {
    byte[] chunk = new byte[64 * 1024];
    int n;
    while ((n = stdin.read(chunk)) >= 0 && !receiving.isDone()) {
      connection.write(ByteBuffer.wrap(chunk, 0, n));
    }
    return 0;
  }

  /** Sends each line of stdin as one frame (raw: as its bytes), in batches; returns how many. */
  private long sendLines(
      MessageChannel<ByteBuffer> channel, Connection connection, InputStream stdin,
      CompletableFuture<Void> receiving)
      throws IOException {
    List<ByteBuffer> batch = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    long sent = 0;
    long lineNumber = 0;
    boolean more = true;
    while (more && !receiving.isDone()) {
      more = readLine(stdin, line);
      if (!more && line.size() == 0) {
        break;
      }
      lineNumber++;
      try {
        batch.add(ByteBuffer.wrap(format.parse(line.toByteArray())));
      } catch (IllegalArgumentException e) {
        throw new IOException("stdin line " + lineNumber + ": " + e.getMessage(), e);
      }
      line.reset();
      if (stdin.available() == 0 || batch.size() >= 256) {
        sent += send(channel, connection, batch);
      }
    }
    if (!batch.isEmpty() && !receiving.isDone()) {
      sent += send(channel, connection, batch);
    }
    return sent;
  }

  private static int send(MessageChannel<ByteBuffer> channel, Connection connection, List<ByteBuffer> batch)
      throws IOException {
    if (channel != null) {
      channel.sendAll(batch);
    } else {
      connection.write(batch.toArray(ByteBuffer[]::new));
    }
    int n = batch.size();
    batch.clear();
    return n;
  }

  /** {@code --until replies}: waits until as many frames came back as were sent. */
  private void awaitReplies(
      long sent, AtomicLong received, Object progress, CompletableFuture<Void> receiving)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + replyTimeout.toNanos();
    synchronized (progress) {
      long last = received.get();
      while (received.get() < sent && !receiving.isDone()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException(
              "timed out after " + Durations.format(replyTimeout) + " waiting for "
                  + (sent - received.get()) + " of " + sent
                  + " replies (raise it with --reply-timeout)");
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
        if (received.get() != last) {
          last = received.get();
          deadline = System.nanoTime() + replyTimeout.toNanos();
        }
      }
    }
  }

  /**
   * Waits until the server ends its stream or nothing has arrived for {@code quiet}; the quiet
   * period is an error for {@code --until eof} and the normal end for {@code --until idle}.
   */
  private static void awaitQuiet(
      CompletableFuture<Void> receiving, AtomicLong lastReceived, Duration quiet, boolean isError)
      throws IOException, InterruptedException {
    lastReceived.set(System.nanoTime());
    while (true) {
      try {
        receiving.get(20, TimeUnit.MILLISECONDS);
        return;
      } catch (ExecutionException e) {
        return; // rethrown by the caller
      } catch (TimeoutException e) {
        if (System.nanoTime() - lastReceived.get() >= quiet.toNanos()) {
          if (isError) {
            throw new IOException(
                "the server sent nothing for " + Durations.format(quiet)
                    + " after stdin ended and did not end its stream (raise it with --reply-timeout,"
                    + " or stop when it is quiet with --until idle:DURATION)");
          }
          return;
        }
      }
    }
  }

  /**
   * Reads one line into {@code line} without its {@code \n} or {@code \r\n}.
   *
   * @return false at the end of stdin
   */
  static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
          line.reset();
          line.write(bytes, 0, bytes.length - 1);
        }
        return true;
      }
      line.write(b);
    }
    return false;
  }

  /** {@code --until}: what ends the session once stdin has ended. */
  record Until(Kind kind, Duration idle) {
    /** The three ways to end. */
    enum Kind {
      EOF,
      REPLIES,
      IDLE
    }

    @Override
    public String toString() {
      return kind == Kind.IDLE ? "idle:" + Durations.format(idle) : kind.name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code eof}, {@code replies} or {@code idle:DURATION}. */
    static final class Parser implements CommandLine.ITypeConverter<Until> {
      @Override
      public Until convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("eof")) {
          return new Until(Kind.EOF, null);
        }
        if (v.equals("replies")) {
          return new Until(Kind.REPLIES, null);
        }
        if (v.startsWith("idle:")) {
          Duration idle;
          try {
            idle = Durations.parse(v.substring("idle:".length()));
          } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
          }
          if (idle.isZero() || idle.isNegative()) {
            throw new CommandLine.TypeConversionException("idle:DURATION must be positive, got '" + value + "'");
          }
          return new Until(Kind.IDLE, idle);
        }
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not eof, replies or idle:DURATION (e.g. idle:2s)");
      }
    }
  }

  static java.util.concurrent.Executor daemonThread(String name) {
    return task -> {
      Thread t = new Thread(task, name);
      t.setDaemon(true);
      t.start();
    };
  }
}
