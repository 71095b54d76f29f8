package dev.sockettoolkit.reliability.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionHandler;
import dev.sockettoolkit.core.ConnectionListener;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.testkit.TestCertificates;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * A server under attack: an echo service over a codec (plain or TLS, through the toolkit's own
 * {@link TlsConnection#serverHandler}), recording how each connection ended and what the toolkit
 * logged, so a test can check that the attacker's connection failed the documented way and then
 * that a fresh, honest client is still served.
 */
final class AttackServer implements AutoCloseable {
  static final TestCertificates CERTS = TestCertificates.get();

  final Server server;
  final boolean tls;
  private final FrameCodec<?> codec;
  /** How each connection's handler ended: the exception, or a marker for a normal return. */
  final BlockingQueue<Throwable> endings = new LinkedBlockingQueue<>();
  final AtomicInteger rejected = new AtomicInteger();
  private final List<String> logs = new ArrayList<>();
  private final Handler logHandler;
  private final Logger[] loggers = {
    Logger.getLogger("dev.sockettoolkit.tls.TlsConnection"), Logger.getLogger("dev.sockettoolkit.core.Server")
  };

  /** The marker for a handler that returned normally. */
  static final Throwable RETURNED = new Throwable("returned normally");

  private AttackServer(
      FrameCodec<?> codec, TlsConfig tlsConfig, ConnectionHandler app, UnaryOperator<Server.Builder> settings)
      throws IOException {
    this.codec = codec;
    this.tls = tlsConfig != null;
    SimpleFormatter formatter = new SimpleFormatter();
    this.logHandler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            synchronized (logs) {
              logs.add(formatter.formatMessage(record));
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    for (Logger logger : loggers) {
      logger.addHandler(logHandler);
      logger.setLevel(Level.ALL);
    }
    ConnectionHandler handler = tls ? TlsConnection.serverHandler(tlsConfig, app::handle) : app;
    ConnectionListener listener =
        new ConnectionListener() {
          @Override
          public void closed(Connection connection) {
            endings.add(RETURNED);
          }

          @Override
          public void failed(Connection connection, Throwable failure) {
            endings.add(failure);
          }

          @Override
          public void rejected(SocketAddress remote, String reason) {
            rejected.incrementAndGet();
          }
        };
    this.server = settings.apply(Server.builder().handler(handler).listener(listener)).start();
  }

  /** A plain echo server of {@code codec}; {@code messageDeadline} bounds each whole message. */
  static AttackServer plain(FrameCodec<?> codec, Duration messageDeadline, UnaryOperator<Server.Builder> settings)
      throws IOException {
    return new AttackServer(codec, null, connection -> echo(connection, codec, messageDeadline), settings);
  }

  /** A plain server running {@code app}; fresh clients speak {@code codec} and expect an echo. */
  static AttackServer plain(FrameCodec<?> codec, ConnectionHandler app, UnaryOperator<Server.Builder> settings)
      throws IOException {
    return new AttackServer(codec, null, app, settings);
  }

  /** A TLS echo server of {@code codec} with the test certificates and {@code handshakeTimeout}. */
  static AttackServer tls(FrameCodec<?> codec, Duration handshakeTimeout) throws IOException {
    TlsConfig config =
        TlsConfig.server(CERTS.server().keyMaterial()).handshakeTimeout(handshakeTimeout).build();
    return new AttackServer(codec, config, connection -> echo(connection, codec, Duration.ofSeconds(30)), b -> b);
  }

  static <T> void echo(Connection connection, FrameCodec<T> codec, Duration deadline) throws IOException {
    MessageChannel<T> channel = MessageChannel.open(connection, codec);
    for (T message; (message = channel.receive(deadline)) != null; ) {
      channel.send(message);
    }
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  /** Opens a raw TCP connection to the server: what an attacker starts with. */
  Connection connectRaw() throws IOException {
    return Client.connect(address(), ConnectionOptions.defaults());
  }

  /** The next way a handler ended, waiting up to {@code seconds}. */
  Throwable nextEnding(long seconds) throws InterruptedException {
    Throwable t = endings.poll(seconds, TimeUnit.SECONDS);
    assertTrue(t != null, "no connection ended within " + seconds + " s");
    return t;
  }

  /** Whether the toolkit logged a line containing {@code text}, waiting up to 5 s for it. */
  boolean logged(String text) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < deadline) {
      synchronized (logs) {
        for (String line : logs) {
          if (line.contains(text)) {
            return true;
          }
        }
      }
      Thread.sleep(20);
    }
    return false;
  }

  List<String> logs() {
    synchronized (logs) {
      return List.copyOf(logs);
    }
  }

  /** An honest client connects, exchanges three messages, and leaves: the server still serves. */
  @SuppressWarnings("unchecked")
  <T> void assertServesFreshClient(T message) throws IOException {
    Connection connection = connectRaw();
    if (tls) {
      TlsConnection secure = TlsConnection.client(connection, CERTS.clientConfig(), "localhost");
      secure.handshake();
      connection = secure;
    }
    try (MessageChannel<T> channel = MessageChannel.open(connection, (FrameCodec<T>) codec)) {
      for (int i = 0; i < 3; i++) {
        channel.send(message);
        assertEquals(message, channel.receive(Duration.ofSeconds(10)), "the echo to a fresh client");
      }
    }
  }

  @Override
  public void close() {
    server.close();
    for (Logger logger : loggers) {
      logger.removeHandler(logHandler);
    }
  }
}
