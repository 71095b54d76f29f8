package dev.sockettoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Backoff;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionHandler;
import dev.sockettoolkit.core.ReconnectingClient;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.testkit.TestCertificates;
import dev.sockettoolkit.tls.TlsConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A {@link ReconnectingClient} with a TLS layer and a MessageChannel on top, across a server restart. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReconnectingTlsTest {
  private static final FrameCodec<String> LINES = FrameCodecs.lines().build();
  private static final TestCertificates CERTS = TestCertificates.get();

  private static final ConnectionHandler TLS_ECHO = plain -> {
    TlsConnection tls = TlsConnection.server(plain, CERTS.serverConfig());
    tls.handshake();
    MessageChannel<String> channel = MessageChannel.open(tls, LINES);
    String line;
    while ((line = channel.receive()) != null) {
      channel.send(line);
    }
    channel.close();
  };

  @Test
  void tlsChannelSurvivesAServerRestart() throws Exception {
    Server first = Server.builder().handler(TLS_ECHO).start();
    int port = first.port();
    AtomicInteger connected = new AtomicInteger();
    ReconnectingClient client = ReconnectingClient.builder()
        .addresses("127.0.0.1:" + port)
        .backoff(Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(200)).maxElapsed(Duration.ofSeconds(20)))
        .layer((transport, host) -> {
          TlsConnection tls = TlsConnection.client(transport, CERTS.clientConfig(), host);
          tls.handshake();
          return tls;
        })
        .listener(new ReconnectingClient.Listener() {
          @Override
          public void connected(Connection connection, int attempt, Duration elapsed) {
            connected.incrementAndGet();
          }
        })
        .build();
    MessageChannel<String> channel = MessageChannel.open(client.connect(), LINES);
    channel.send("one");
    assertEquals("one", channel.receive(Duration.ofSeconds(5)));
    assertTrue(channel.connection() instanceof TlsConnection);

    first.close();                        // idle at a message boundary: closed at once
    Server second = null;
    try {
      try {
        channel.send("two");
        channel.receive(Duration.ofSeconds(5));
      } catch (IOException expected) {
        // the old connection is gone
      }
      second = Server.builder().bind("127.0.0.1", port).handler(TLS_ECHO).start();
      channel.connection().abort();
      channel = MessageChannel.open(client.connect(), LINES);
      channel.send("two");                 // at least once: resend what was not acknowledged
      assertEquals("two", channel.receive(Duration.ofSeconds(5)));
      assertEquals(2, connected.get());
      channel.close();
    } finally {
      if (second != null) {
        second.close();
      }
    }
  }
}
