package dev.sockettoolkit.cli;

import dev.sockettoolkit.core.Backoff;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ReconnectingClient;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code toolkit connect --reconnect}: an interactive session that survives server restarts. Each
 * line of stdin is one frame; when the connection fails (on a send, or the server ends or resets
 * it) the session reconnects with backoff, says so on stderr, and resends the line whose send
 * failed (at least once; replies in flight on the old connection are lost).
 */
final class ReconnectSession {
  private final ReconnectingClient client;
  private final FrameCodec<ByteBuffer> codec;
  private final Format format;
  private final PrintWriter err;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile MessageChannel<ByteBuffer> channel;
  private final AtomicInteger generation = new AtomicInteger();
  private volatile boolean inputEnded;

  ReconnectSession(
      String target, ConnectionOptions options, TlsConfig tls, String serverName, Duration reconnectFor,
      FrameCodec<ByteBuffer> codec, Format format, PrintWriter err) {
    ReconnectingClient.Builder builder = ReconnectingClient.builder()
        .addresses(target)
        .options(options)
        .backoff(Backoff.defaults().maxElapsed(reconnectFor))
        .listener(new ReconnectingClient.Listener() {
          @Override
          public void failed(int attempt, IOException failure, Duration delay) {
            say("attempt " + attempt + " failed (" + Errors.describe(failure) + "); next in " + Durations.format(delay));
          }

          @Override
          public void connected(Connection connection, int attempt, Duration elapsed) {
            say("connected to " + ServeCommand.peer(connection.remoteAddress()) + " after " + attempt + " attempt(s)");
          }
        });
    if (tls != null) {
      builder.layer((transport, host) -> {
        TlsConnection secure = TlsConnection.client(transport, tls, serverName != null ? serverName : host);
        secure.handshake();
        return secure;
      });
    }
    this.client = builder.build();
    this.codec = codec;
    this.format = format;
    this.err = err;
  }

  private void say(String line) {
    synchronized (err) {
      err.println("connect: " + line);
      err.flush();
    }
  }

  /** Runs until stdin ends and the server then ends its stream (or {@code replyTimeout} passes). */
  void run(InputStream stdin, OutputStream stdout, Duration replyTimeout) throws Exception {
    channel = MessageChannel.open(client.connect(), codec);
    CompletableFuture<Void> receiving = CompletableFuture.runAsync(() -> receive(stdout),
        ConnectCommand.daemonThread("toolkit-connect-reader"));
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean more = true;
    while (more) {
      more = ConnectCommand.readLine(stdin, line);
      if (!more && line.size() == 0) {
        break;
      }
      ByteBuffer frame = ByteBuffer.wrap(format.parse(line.toByteArray()));
      line.reset();
      send(frame);
    }
    inputEnded = true;
    try {
      channel.connection().shutdownOutput();
    } catch (IOException e) {
      // the reader notices the broken connection too
    }
    try {
      receiving.get(replyTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IOException("timed out after " + Durations.format(replyTimeout)
          + " waiting for the server to end its stream (raise it with --reply-timeout)");
    } finally {
      channel.connection().abort();
    }
  }

  private void send(ByteBuffer frame) throws IOException {
    while (true) {
      int seen = generation.get();
      try {
        channel.send(frame.duplicate());
        return;
      } catch (IOException e) {
        reconnect(seen, e);
      }
    }
  }

  private void receive(OutputStream stdout) {
    while (true) {
      int seen = generation.get();
      try {
        ByteBuffer frame = channel.receive();
        if (frame == null) {
          if (inputEnded) {
            return;
          }
          reconnect(seen, new IOException("the server ended the stream"));
          continue;
        }
        synchronized (stdout) {
          stdout.write(format.print(frame));
          stdout.write('\n');
          stdout.flush();
        }
      } catch (IOException e) {
        if (inputEnded && seen == generation.get()) {
          throw new java.io.UncheckedIOException(e);
        }
        try {
          reconnect(seen, e);
        } catch (IOException gaveUp) {
          throw new java.io.UncheckedIOException(gaveUp);
        }
      }
    }
  }

  /** Replaces the connection of generation {@code seen}, unless the other thread already has. */
  private void reconnect(int seen, IOException cause) throws IOException {
    lock.lock();
    try {
      if (generation.get() != seen) {
        return;
      }
      say("connection lost (" + Errors.describe(cause) + "); reconnecting");
      channel.connection().abort();
      channel = MessageChannel.open(client.connect(), codec);
      generation.incrementAndGet();
    } finally {
      lock.unlock();
    }
  }
}
