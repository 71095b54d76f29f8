package dev.sockettoolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class KeepAliveTest {

  @Test
  void idleIntervalAndCountReachTheSocket() throws Exception {
    ConnectionOptions options = ConnectionOptions.defaults().toBuilder()
        .keepAlive(Duration.ofSeconds(7), Duration.ofMillis(1500), 4)
        .build();
    try (Server server = Server.builder().handler(TestSupport.ECHO).start();
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()))) {
      boolean supported = channel.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE);
      if (!supported) {
        System.err.println("SKIPPED: TCP_KEEPIDLE is not supported on this platform; the OS default applies");
      }
      Assumptions.assumeTrue(supported, "TCP_KEEPIDLE unsupported here");
      KeepAlive.tune(channel, options);
      assertEquals(7, channel.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
      assertEquals(2, channel.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL), "rounded up to whole seconds");
      assertEquals(4, channel.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT));
    }
  }

  @Test
  void clientConnectionsGetThem() throws Exception {
    ConnectionOptions options = ConnectionOptions.defaults().toBuilder()
        .keepAlive(Duration.ofSeconds(9), Duration.ZERO, 0)
        .build();
    try (Server server = Server.builder().handler(TestSupport.ECHO).start();
        Connection connection = Client.connect("127.0.0.1:" + server.port(), options)) {
      assertTrue(connection.isOpen());
      assertEquals(Duration.ofSeconds(9), options.keepAliveIdle());
      assertTrue(options.toString().contains("keepAliveIdle=PT9S"));
    }
  }

  @Test
  void badValuesAreRefused() {
    ConnectionOptions.Builder builder = ConnectionOptions.builder();
    assertThrows(IllegalArgumentException.class, () -> builder.keepAlive(Duration.ofSeconds(-1), Duration.ZERO, 0));
    assertThrows(IllegalArgumentException.class, () -> builder.keepAlive(Duration.ZERO, Duration.ZERO, 500));
  }
}
