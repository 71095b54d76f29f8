package dev.sockettoolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionTimeoutException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ClientTest {
  @Test
  void connectsByHostAndPortString() throws Exception {
    try (Server server = Server.builder().handler(TestSupport.ECHO).start();
        Connection connection = Client.connect("127.0.0.1:" + server.port())) {
      connection.write(TestSupport.ascii("ping"));
      assertEquals("ping", new String(TestSupport.readExactly(connection, 4), "US-ASCII"));
    }
  }

  @Test
  void connectsToAnIpv6LiteralInBrackets() throws Exception {
    Assumptions.assumeTrue(
        ipv6LoopbackAvailable(), "SKIPPED: ::1 is not configured on this machine's loopback");
    try (Server server = Server.builder().bind("::1", 0).handler(TestSupport.ECHO).start();
        Connection connection = Client.connect("[::1]:" + server.port())) {
      connection.write(TestSupport.ascii("v6"));
      assertEquals("v6", new String(TestSupport.readExactly(connection, 2), "US-ASCII"));
      assertEquals(InetAddress.getByName("::1"), ((InetSocketAddress) connection.remoteAddress()).getAddress());
    }
  }

  @Test
  void rejectsMalformedTargetsWithAHint() {
    IllegalArgumentException noPort =
        assertThrows(IllegalArgumentException.class, () -> Client.connect("localhost"));
    assertTrue(noPort.getMessage().contains("use host:port"), noPort.getMessage());
    IllegalArgumentException bareV6 =
        assertThrows(IllegalArgumentException.class, () -> Client.connect("::1:80"));
    assertTrue(bareV6.getMessage().contains("[::1]:7000"), bareV6.getMessage());
  }

  @Test
  void aRefusedConnectionNamesTheAddressTried() throws Exception {
    int port = closedPort();
    ConnectException e = assertThrows(ConnectException.class, () -> Client.connect("127.0.0.1:" + port));
    assertTrue(e.getMessage().contains("127.0.0.1:" + port + " ("), e.getMessage());
    assertTrue(e.getMessage().contains("refused"), e.getMessage());
  }

  @Test
  void triesEveryAddressUntilOneAccepts() throws Exception {
    int closed = closedPort();
    try (Server server = Server.builder().handler(TestSupport.ECHO).start()) {
      List<InetSocketAddress> addresses = new ArrayList<>();
      addresses.add(new InetSocketAddress("127.0.0.1", closed));
      addresses.add(new InetSocketAddress("127.0.0.1", server.port()));
      try (Connection connection =
          Client.connectToAny("example:1", addresses, ConnectionOptions.defaults())) {
        assertEquals(server.port(), ((InetSocketAddress) connection.remoteAddress()).getPort());
      }
    }
  }

  @Test
  void whenEveryAddressFailsTheExceptionListsThemAll() throws Exception {
    int first = closedPort();
    int second = closedPort();
    List<InetSocketAddress> addresses =
        List.of(new InetSocketAddress("127.0.0.1", first), new InetSocketAddress("127.0.0.1", second));
    ConnectException e =
        assertThrows(
            ConnectException.class,
            () -> Client.connectToAny("example:1", addresses, ConnectionOptions.defaults()));
    assertTrue(e.getMessage().contains(":" + first + " (") && e.getMessage().contains(":" + second + " ("), e.getMessage());
    assertEquals(2, e.getSuppressed().length);
  }

  @Test
  void connectTimeoutFiresWhenTheServerDoesNotAnswer() throws Exception {
    // A listener that never accepts, with its backlog full, drops further SYNs: connects hang.
    try (ServerSocketChannel listener = ServerSocketChannel.open()) {
      listener.bind(new InetSocketAddress("127.0.0.1", 0), 1);
      InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
      ConnectionOptions options =
          ConnectionOptions.builder().connectTimeout(Duration.ofMillis(200)).build();
      List<Connection> filling = new ArrayList<>();
      try {
        ConnectionTimeoutException timeout = null;
        for (int i = 0; i < 16 && timeout == null; i++) {
          try {
            filling.add(Client.connect(address, options));
          } catch (ConnectionTimeoutException e) {
            timeout = e;
          }
        }
        Assumptions.assumeTrue(
            timeout != null, "SKIPPED: this kernel never dropped a SYN for a full backlog");
        assertEquals(Kind.CONNECT, timeout.kind());
        assertEquals(Duration.ofMillis(200), timeout.timeout());
        assertTrue(
            timeout.getMessage().startsWith("connect timeout of 200 ms fired (connecting to /127.0.0.1:"),
            timeout.getMessage());
      } finally {
        filling.forEach(Connection::abort);
      }
    }
  }

  @Test
  void aMissingUnixSocketIsAClearConnectFailure(@TempDir Path directory) {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(directory.resolve("absent.sock"));
    ConnectException e =
        assertThrows(ConnectException.class, () -> Client.connect(address, ConnectionOptions.defaults()));
    assertTrue(e.getMessage().contains("absent.sock"), e.getMessage());
  }

  static int closedPort() throws IOException {
    try (ServerSocketChannel probe = ServerSocketChannel.open()) {
      probe.bind(new InetSocketAddress("127.0.0.1", 0));
      return ((InetSocketAddress) probe.getLocalAddress()).getPort();
    }
  }

  static boolean ipv6LoopbackAvailable() {
    try (ServerSocketChannel probe = ServerSocketChannel.open()) {
      probe.bind(new InetSocketAddress("::1", 0));
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
