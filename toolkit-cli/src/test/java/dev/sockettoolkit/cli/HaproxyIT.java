package dev.sockettoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionResetException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Toolkit servers behind a real HAProxy in TCP mode with the PROXY protocol: each server sees
 * every client's own address and port, a direct client is refused, and TLS passes through. Skips
 * loudly without haproxy.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HaproxyIT {
  @TempDir static Path dir;

  @BeforeAll
  static void needsHaproxy() {
    Haproxy.requireOrSkip();
  }

  /** Three servers with the PROXY protocol on and their connection log. */
  private static List<Jar.Served> servers(String version, String... more) throws Exception {
    List<Jar.Served> servers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<String> args = new ArrayList<>(List.of("--proxy-protocol", version, "--trusted-proxy", "127.0.0.1,::1", "--log-connections"));
      args.addAll(List.of(more));
      servers.add(Jar.serve(args.toArray(String[]::new)));
    }
    return servers;
  }

  private static List<Integer> ports(List<Jar.Served> servers) {
    return servers.stream().map(s -> s.port).toList();
  }

  private static void closeAll(List<Jar.Served> servers) {
    servers.forEach(Jar.Served::close);
  }

  /** Sends one line and reads its echo; returns the client's own port. */
  private static int roundTrip(String address, String line) throws IOException {
    try (Connection connection = Client.connect(address)) {
      byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
      connection.write(ByteBuffer.wrap(bytes));
      ByteBuffer reply = ByteBuffer.allocate(bytes.length);
      while (reply.hasRemaining()) {
        if (connection.read(reply, Duration.ofSeconds(10)) < 0) {
          throw new IOException("end of stream after " + reply.position() + " bytes");
        }
      }
      assertEquals(line + "\n", new String(reply.array(), StandardCharsets.UTF_8));
      return ((InetSocketAddress) connection.localAddress()).getPort();
    }
  }

  /** Which server logged {@code accepted 127.0.0.1:PORT via 127.0.0.1:...}, waiting up to 10 s. */
  private static int serverThatLogged(List<Jar.Served> servers, int clientPort) throws InterruptedException {
    String prefix = "accepted 127.0.0.1:" + clientPort + " via 127.0.0.1:";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      int found = -1;
      int count = 0;
      for (int i = 0; i < servers.size(); i++) {
        synchronized (servers.get(i).stdoutLines) {
          for (String l : servers.get(i).stdoutLines) {
            if (l.startsWith(prefix)) {
              found = i;
              count++;
            }
          }
        }
      }
      if (count > 1) {
        throw new AssertionError("client port " + clientPort + " logged " + count + " times");
      }
      if (found >= 0) {
        return found;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no server logged client port " + clientPort);
  }

  @ParameterizedTest
  @CsvSource({"send-proxy-v2, v2", "send-proxy, v1", "send-proxy-v2, any"})
  void everyServerSeesEachClientsRealAddress(String haproxyOption, String version) throws Exception {
    List<Jar.Served> servers = servers(version);
    try (Haproxy haproxy = Haproxy.start(dir, ports(servers), haproxyOption)) {
      Map<Integer, Integer> perServer = new HashMap<>();
      for (int i = 0; i < 6; i++) {
        int clientPort = roundTrip(haproxy.address(), "client " + i);
        int server = serverThatLogged(servers, clientPort);
        perServer.merge(server, 1, Integer::sum);
      }
      // Round robin: every server gets some of the six (HAProxy's own startup probe, forwarded
      // too, shifts where the turn starts; with one HAProxy thread it is 2, 2, 2).
      assertEquals(3, perServer.size(), "round robin over three servers: " + perServer);
    } finally {
      closeAll(servers);
    }
  }

  @Test
  void directClientIsRefused() throws Exception {
    List<Jar.Served> servers = servers("v2");
    try {
      Jar.Served server = servers.get(0);
      try (Connection direct = Client.connect(server.address())) {
        direct.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.UTF_8)));
        int n;
        try {
          n = direct.read(ByteBuffer.allocate(64), Duration.ofSeconds(10));
        } catch (ConnectionResetException e) {
          n = -1;
        }
        assertEquals(-1, n, "a direct client gets no echo");
      }
      Thread.sleep(500); // the server's stderr line may still be on its way when SIGTERM arrives
      String stderr = server.stopAndReadStderr();
      assertTrue(stderr.contains("MISSING_HEADER"), () -> "stderr [" + stderr + "] exit " + server.process.exitValue() + " stdout " + server.stdoutLines);
      synchronized (server.stdoutLines) {
        assertTrue(server.stdoutLines.stream().noneMatch(l -> l.startsWith("accepted")), server.stdoutLines.toString());
      }
    } finally {
      closeAll(servers);
    }
  }

  @Test
  void tlsPassesThroughHaproxyEndToEnd() throws Exception {
    Path ca = dir.resolve("ca");
    Path cert = dir.resolve("server");
    CliIT.assertOk(Jar.run("", "cert", "ca", "--out", ca.toString()));
    CliIT.assertOk(Jar.run("", "cert", "issue", "--ca", ca.toString(), "--out", cert.toString(), "--ip", "127.0.0.1"));
    List<Jar.Served> servers = servers("v2", "--tls", "--cert", cert.resolve("cert.pem").toString(),
        "--key", cert.resolve("key.pem").toString());
    try (Haproxy haproxy = Haproxy.start(dir, ports(servers), "send-proxy-v2")) {
      for (int i = 0; i < 3; i++) {
        Jar.Result r = Jar.run("secret " + i + "\n", "connect", haproxy.address(), "--tls", "--ca", ca.resolve("ca.pem").toString());
        CliIT.assertOk(r);
        assertEquals("secret " + i + "\n", r.stdout);
      }
      for (Jar.Served s : servers) {
        synchronized (s.stdoutLines) {
          assertTrue(s.stdoutLines.stream().anyMatch(l -> l.matches("accepted 127\\.0\\.0\\.1:\\d+ via 127\\.0\\.0\\.1:\\d+")),
              s.stdoutLines.toString());
        }
      }
    } finally {
      closeAll(servers);
    }
  }
}
