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
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
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
          + " one line.",
      "Exits 0 once stdin has ended and every reply has arrived (or the server closed); with"
          + " --framing raw, bytes are copied both ways until the server ends the stream."
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

  @Option(names = "--insecure", description = "TLS: do not verify the server (tests only; prints a warning).")
  boolean insecure;

  @Mixin VerboseOption verbosity;

  @Mixin FramingOptions framing;

  @Mixin TlsOptions tlsOptions;

  @Override
  public Integer call() throws Exception {
    HostAndPort hostAndPort = parseTarget(target);
    PrintWriter err = spec.commandLine().getErr();
    FrameCodec<ByteBuffer> codec = framing.codec(false);
    TlsConfig tls = tlsOptions.clientConfig(insecure, err);
    if (serverName != null) {
      tlsOptions.requireTlsFor("--server-name", true);
    }
    ConnectionOptions options = ConnectionOptions.builder().connectTimeout(connectTimeout).build();
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
      if (codec == null) {
        copyRaw(connection, stdin, stdout);
      } else {
        exchangeFrames(connection, codec, stdin, stdout);
      }
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
   * Copies stdin to the connection and the connection to stdout until the server ends its stream;
   * after stdin ends, waits at most {@code --reply-timeout} without a byte from the server.
   */
  private void copyRaw(Connection connection, InputStream stdin, OutputStream stdout)
      throws Exception {
    Connection c = connection;
    AtomicLong lastReceived = new AtomicLong(System.nanoTime());
    CompletableFuture<Void> receiving =
        CompletableFuture.runAsync(
            () -> {
              try {
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                while (c.read(buffer) >= 0) {
                  lastReceived.set(System.nanoTime());
                  stdout.write(buffer.array(), 0, buffer.position());
                  stdout.flush();
                  buffer.clear();
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            daemonThread("toolkit-connect-reader"));
    byte[] chunk = new byte[64 * 1024];
    int n;
    while ((n = stdin.read(chunk)) >= 0 && !receiving.isDone()) {
      c.write(ByteBuffer.wrap(chunk, 0, n));
    }
    if (!receiving.isDone()) {
      c.shutdownOutput();
    }
    lastReceived.set(System.nanoTime());
    while (true) {
      try {
        receiving.get(100, TimeUnit.MILLISECONDS);
        break;
      } catch (TimeoutException e) {
        if (System.nanoTime() - lastReceived.get() > replyTimeout.toNanos()) {
          throw new IOException(
              "the server sent nothing for " + Durations.format(replyTimeout)
                  + " after stdin ended and did not end its stream (raise it with --reply-timeout)");
        }
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
      }
    }
    c.close();
  }

  /** Sends stdin's lines as frames while a second thread prints the replies. */
  private void exchangeFrames(
      Connection connection, FrameCodec<ByteBuffer> codec, InputStream stdin, OutputStream stdout)
      throws Exception {
    MessageChannel<ByteBuffer> channel = MessageChannel.open(connection, codec);
    AtomicLong sent = new AtomicLong();
    AtomicLong received = new AtomicLong();
    Object progress = new Object();
    CompletableFuture<Void> receiving =
        CompletableFuture.runAsync(
            () -> {
              try {
                ByteBuffer frame;
                while ((frame = channel.receive()) != null) {
                  stdout.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
                  stdout.write('\n');
                  stdout.flush();
                  synchronized (progress) {
                    received.incrementAndGet();
                    progress.notifyAll();
                  }
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              } finally {
                synchronized (progress) {
                  progress.notifyAll();
                }
              }
            },
            daemonThread("toolkit-connect-reader"));
    List<ByteBuffer> batch = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean more = true;
    while (more && !receiving.isDone()) {
      more = readLine(stdin, line);
      if (!more && line.size() == 0) {
        break;
      }
      batch.add(ByteBuffer.wrap(line.toByteArray()));
      line.reset();
      if (stdin.available() == 0 || batch.size() >= 256) {
        channel.sendAll(batch);
        sent.addAndGet(batch.size());
        batch.clear();
      }
    }
    if (!batch.isEmpty() && !receiving.isDone()) {
      channel.sendAll(batch);
      sent.addAndGet(batch.size());
    }
    long deadline = System.nanoTime() + replyTimeout.toNanos();
    synchronized (progress) {
      long last = received.get();
      while (received.get() < sent.get() && !receiving.isDone()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException(
              "timed out after " + Durations.format(replyTimeout) + " waiting for "
                  + (sent.get() - received.get()) + " of " + sent.get()
                  + " replies (raise it with --reply-timeout)");
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
        if (received.get() != last) {
          last = received.get();
          deadline = System.nanoTime() + replyTimeout.toNanos();
        }
      }
    }
    if (receiving.isDone()) {
      receiving.join(); // the server closed: rethrows if that was an error
    }
    channel.close();
  }

  /**
   * Reads one line into {@code line} without its {@code \n} or {@code \r\n}.
   *
   * @return false at the end of stdin
   */
  private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
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

  private static java.util.concurrent.Executor daemonThread(String name) {
    return task -> {
      Thread t = new Thread(task, name);
      t.setDaemon(true);
      t.start();
    };
  }
}
