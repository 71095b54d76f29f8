package dev.sockettoolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionOptionsTest {
  @Test
  void defaultsAreTheDocumentedValues() {
    ConnectionOptions options = ConnectionOptions.defaults();
    assertEquals(Duration.ofSeconds(10), options.connectTimeout());
    assertEquals(Duration.ZERO, options.readTimeout());
    assertEquals(Duration.ofSeconds(30), options.writeTimeout());
    assertEquals(Duration.ZERO, options.idleTimeout());
    assertTrue(options.tcpNoDelay());
    assertTrue(options.keepAlive());
    assertEquals(0, options.receiveBufferSize());
    assertEquals(0, options.sendBufferSize());
  }

  @Test
  void serverDefaultsAddAnIdleTimeout() {
    ConnectionOptions server = ConnectionOptions.serverDefaults();
    assertEquals(Duration.ofMinutes(5), server.idleTimeout());
    assertEquals(
        ConnectionOptions.defaults(),
        server.toBuilder().idleTimeout(Duration.ZERO).build());
  }

  @Test
  void toBuilderKeepsEverySetting() {
    ConnectionOptions options =
        ConnectionOptions.builder()
            .connectTimeout(Duration.ofMillis(1500))
            .readTimeout(Duration.ofSeconds(2))
            .writeTimeout(Duration.ofSeconds(3))
            .idleTimeout(Duration.ofSeconds(4))
            .tcpNoDelay(false)
            .keepAlive(false)
            .receiveBufferSize(1 << 16)
            .sendBufferSize(1 << 17)
            .build();
    assertEquals(options, options.toBuilder().build());
    assertEquals(options.hashCode(), options.toBuilder().build().hashCode());
    assertTrue(options.toString().contains("readTimeout=PT2S"));
  }

  @Test
  void rejectsNegativeAndSubMillisecondTimeouts() {
    ConnectionOptions.Builder builder = ConnectionOptions.builder();
    IllegalArgumentException negative =
        assertThrows(IllegalArgumentException.class, () -> builder.readTimeout(Duration.ofMillis(-1)));
    assertTrue(negative.getMessage().contains("readTimeout must not be negative"));
    assertThrows(IllegalArgumentException.class, () -> builder.writeTimeout(Duration.ofNanos(10)));
    assertThrows(IllegalArgumentException.class, () -> builder.sendBufferSize(-1));
  }

  @Test
  void timeoutMessageNamesTheTimeoutItsValueAndTheSetting() {
    ConnectionTimeoutException e =
        new ConnectionTimeoutException(
            ConnectionTimeoutException.Kind.WRITE, Duration.ofMillis(250), "peer took no bytes");
    assertEquals(ConnectionTimeoutException.Kind.WRITE, e.kind());
    assertEquals(Duration.ofMillis(250), e.timeout());
    assertEquals(
        "write timeout of 250 ms fired (peer took no bytes); raise it with"
            + " ConnectionOptions.Builder.writeTimeout if the peer is slow but alive",
        e.getMessage());
  }
}
