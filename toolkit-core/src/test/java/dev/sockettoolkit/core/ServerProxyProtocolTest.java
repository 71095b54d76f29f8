package dev.sockettoolkit.core;

import static dev.sockettoolkit.core.TestSupport.ascii;
import static dev.sockettoolkit.core.TestSupport.readExactly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ProxyHeaderException.Rule;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A {@link Server} with the PROXY protocol on, over loopback TCP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerProxyProtocolTest {
  private final BlockingQueue<String> rejections = new ArrayBlockingQueue<>(100);
  private final BlockingQueue<Connection> accepted = new ArrayBlockingQueue<>(100);

  private static final InetSocketAddress CLIENT = new InetSocketAddress("203.0.113.7", 51234);
  private static final InetSocketAddress FRONT = new InetSocketAddress("198.51.100.1", 443);

  /** Replies with the remote address the handler sees, then echoes. */
  private Server server(ProxyProtocol version, List<String> trusted, Duration timeout) throws IOException {
    return Server.builder()
        .proxyProtocol(version, trusted)
        .proxyProtocolTimeout(timeout)
        .listener(new ConnectionListener() {
          @Override
          public void accepted(Connection connection) {
            accepted.add(connection);
          }

          @Override
          public void rejected(SocketAddress remote, String reason) {
            rejections.add(reason);
          }
        })
        .handler(connection -> {
          byte[] who = (connection.remoteAddress() + " " + connection.localAddress() + "\n")
              .getBytes(StandardCharsets.US_ASCII);
          connection.write(ByteBuffer.wrap(who));
          TestSupport.ECHO.handle(connection);
        })
        .start();
  }

  private static String firstLine(Connection connection) throws IOException {
    StringBuilder line = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (connection.read(one.clear()) == 1 && one.get(0) != '\n') {
      line.append((char) one.get(0));
    }
    return line.toString();
  }

  @Test
  void v2HeaderGivesTheHandlerTheOriginalAddressesAndTheBytesAfterIt() throws Exception {
    try (Server server = server(ProxyProtocol.V2, List.of("127.0.0.0/8"), Duration.ofSeconds(5));
        Connection connection = Client.connect("127.0.0.1:" + server.port())) {
      ByteBuffer header = ProxyHeader.proxied(CLIENT, FRONT).withTlv(ProxyHeader.TLV_AUTHORITY,
          "example.com".getBytes(StandardCharsets.UTF_8)).encode(ProxyProtocol.V2);
      connection.write(header, ascii("ping"));   // the header and data in one segment
      assertEquals(CLIENT + " " + FRONT, firstLine(connection));
      assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), readExactly(connection, 4));
      Connection seen = accepted.poll(5, TimeUnit.SECONDS);
      assertNotNull(seen);
      assertEquals(CLIENT, seen.remoteAddress());
      ProxyHeader received = seen.proxyHeader().orElseThrow();
      assertEquals("example.com", received.authority().orElseThrow());
      assertEquals(ProxyProtocol.V2, received.version().orElseThrow());
      assertTrue(received.receivedFrom().orElseThrow().toString().contains("127.0.0.1"));
    }
  }

  @Test
  void v1HeaderWorksWithAny() throws Exception {
    try (Server server = server(ProxyProtocol.ANY, List.of("127.0.0.1", "::1"), Duration.ofSeconds(5));
        Connection connection = Client.connect("127.0.0.1:" + server.port())) {
      connection.write(ascii("PROXY TCP6 2001:db8::1 2001:db8::2 1000 2000\r\n"));
      assertEquals("/[2001:db8:0:0:0:0:0:1]:1000 /[2001:db8:0:0:0:0:0:2]:2000", firstLine(connection));
    }
  }

  @Test
  void localCommandKeepsTheProxysOwnAddresses() throws Exception {
    try (Server server = server(ProxyProtocol.V2, List.of("127.0.0.1/32"), Duration.ofSeconds(5));
        Connection connection = Client.connect("127.0.0.1:" + server.port())) {
      connection.write(ProxyHeader.local().encode(ProxyProtocol.V2));
      assertEquals(connection.localAddress() + " " + connection.remoteAddress(), firstLine(connection));
    }
  }

  @Test
  void untrustedSourceIsRefused() throws Exception {
    try (Server server = server(ProxyProtocol.V2, List.of("10.0.0.0/8", "fd00::/8"), Duration.ofSeconds(5))) {
      Connection connection;
      try {
        connection = Client.connect("127.0.0.1:" + server.port());
      } catch (java.net.ConnectException e) {
        // Refused so fast that the reset overtook the end of the client's connect: refused all the same.
        String reason = rejections.poll(10, TimeUnit.SECONDS);
        assertNotNull(reason);
        assertTrue(reason.contains(Rule.UNTRUSTED_SOURCE.toString()), reason);
        return;
      }
      try (connection) {
        try {
          connection.write(ProxyHeader.proxied(CLIENT, FRONT).encode(ProxyProtocol.V2));
        } catch (ConnectionResetException e) {
          // already refused
        }
        assertRefused(connection, Rule.UNTRUSTED_SOURCE);
      }
    }
  }

  @Test
  void missingHeaderIsRefusedOnItsFirstByte() throws Exception {
    try (Server server = server(ProxyProtocol.ANY, List.of("127.0.0.1"), Duration.ofSeconds(30));
        Connection connection = Client.connect("127.0.0.1:" + server.port())) {
      connection.write(ascii("GET / HTTP/1.1\r\n"));
      long start = System.nanoTime();
      assertRefused(connection, Rule.MISSING_HEADER);
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "refused at once");
    }
  }

  @Test
  void wrongVersionIsRefused() throws Exception {
    try (Server server = server(ProxyProtocol.V1, List.of("127.0.0.1"), Duration.ofSeconds(5));
        Connection connection = Client.connect("127.0.0.1:" + server.port())) {
      connection.write(ProxyHeader.proxied(CLIENT, FRONT).encode(ProxyProtocol.V2));
      assertRefused(connection, Rule.MISSING_HEADER);
    }
  }

  @Test
  void overlongV1LineIsRefused() throws Exception {
    try (Server server = server(ProxyProtocol.V1, List.of("127.0.0.1"), Duration.ofSeconds(5));
        Connection connection = Client.connect("127.0.0.1:" + server.port())) {
      connection.write(ascii("PROXY TCP4 " + "1".repeat(200)));
      assertRefused(connection, Rule.V1_TOO_LONG);
    }
  }

  @Test
  void v2TlvOverrunningTheDeclaredLengthIsRefused() throws Exception {
    try (Server server = server(ProxyProtocol.V2, List.of("127.0.0.1"), Duration.ofSeconds(5));
        Connection connection = Client.connect("127.0.0.1:" + server.port())) {
      ByteBuffer header = ProxyHeader.proxied(CLIENT, FRONT).withTlv(0xE0, new byte[10]).encode(ProxyProtocol.V2);
      header.putShort(16 + 12 + 1, (short) 11); // the TLV claims one byte more than the header holds
      connection.write(header);
      assertRefused(connection, Rule.V2_MALFORMED);
    }
  }

  @Test
  void lateHeaderIsRefusedAfterTheTimeout() throws Exception {
    try (Server server = server(ProxyProtocol.V2, List.of("127.0.0.1"), Duration.ofMillis(300));
        Connection connection = Client.connect("127.0.0.1:" + server.port())) {
      connection.write(ByteBuffer.wrap(new byte[] {0x0D, 0x0A}));
      assertRefused(connection, Rule.TIMEOUT);
    }
  }

  private void assertRefused(Connection connection, Rule rule) throws Exception {
    String reason = rejections.poll(10, TimeUnit.SECONDS);
    assertNotNull(reason, "no rejection reported");
    assertTrue(reason.contains(rule.toString()), reason);
    ByteBuffer buffer = ByteBuffer.allocate(64);
    int n;
    try {
      n = connection.read(buffer, Duration.ofSeconds(5));
    } catch (ConnectionResetException e) {
      n = -1;
    }
    assertEquals(-1, n, "the refused connection gets no byte");
    assertTrue(accepted.isEmpty(), "the listener heard no accepted connection");
  }
}
