package dev.sockettoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** toolkit proxy end to end: real clients, through the packaged jar's proxy, to its echo server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyIT {
  private static final int LATENCY_MS = 100;

  /** Round trips of random bytes (no line ends): checks every echo and prints each round trip's seconds. */
  private static final String ECHO_CLIENT = """
      import random, socket, sys, time
      s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
      f = s.makefile("rb")
      rnd = random.Random(7)
      for i in range(5):
          msg = bytes(b for b in (rnd.randrange(256) for _ in range(rnd.randrange(10, 60))) if b not in (10, 13))
          start = time.monotonic()
          s.sendall(msg + b"\\n")
          echo = f.readline()
          took = time.monotonic() - start
          if echo != msg + b"\\n":
              print("wrong echo %r for %r" % (echo, msg))
              sys.exit(1)
          print("%.3f" % took)
      s.close()
      """;

  /** Two lines echoed, then a third that crosses the proxy's --reset-after: reports what the client saw. */
  private static final String RESET_CLIENT = """
      import socket, sys
      s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
      f = s.makefile("rb")
      for word in (b"hello", b"world"):
          s.sendall(word + b"\\n")
          print("echo " + f.readline().decode().strip())
      try:
          s.sendall(b"this line crosses the limit\\n")
          got = s.recv(100)
          print("end of stream" if got == b"" else "got %r" % got)
      except ConnectionResetError:
          print("reset")
      """;

  @TempDir static Path dir;
  static Path ca;
  static Path server;

  @BeforeAll
  static void certificates() throws Exception {
    ca = dir.resolve("ca");
    server = dir.resolve("server");
    CliIT.assertOk(Jar.run("", "cert", "ca", "--out", ca.toString()));
    CliIT.assertOk(Jar.run("", "cert", "issue", "--ca", ca.toString(), "--out", server.toString(), "--dns", "localhost", "--ip", "127.0.0.1"));
  }

  /** Starts {@code toolkit proxy --listen 0 args} and returns it once it listens, with its port. */
  private static Jar.Running proxy(List<String> ports, String... args) throws Exception {
    List<String> full = new ArrayList<>(List.of("proxy", "--listen", "0"));
    full.addAll(List.of(args));
    Jar.Running proxy = Jar.start(full.toArray(String[]::new));
    ports.add(proxy.await("listening on .+:(\\d+)").group(1));
    return proxy;
  }

  @Test
  void pythonClientThroughLatencyAndTinyChunksGetsEveryEchoByteForByte() throws Exception {
    Assumptions.assumeTrue(Jar.hasPython(), "python3 not found: skipping the Python client");
    List<String> port = new ArrayList<>();
    try (Jar.Served s = Jar.serve();
        Jar.Running proxy = proxy(port, "--to", s.address(), "--latency", LATENCY_MS + "ms", "--chunk", "1-3", "--seed", "7")) {
      Jar.Result client = Jar.python(ECHO_CLIENT, port.get(0));
      assertEquals(0, client.exit, client.toString() + "\nproxy: " + proxy.lines());
      List<String> times = client.stdout.lines().toList();
      assertEquals(5, times.size(), client.toString());
      for (String t : times) {
        assertTrue(Double.parseDouble(t) >= 2 * LATENCY_MS / 1000.0, "a round trip took " + t + " s, under twice the latency: " + times);
      }
    }
  }

  @Test
  void resetAfterShowsTheClientAResetAndLogFramesShowsTheFramesBeforeIt() throws Exception {
    Assumptions.assumeTrue(Jar.hasPython(), "python3 not found: skipping the Python client");
    List<String> port = new ArrayList<>();
    try (Jar.Served s = Jar.serve();
        Jar.Running proxy = proxy(port, "--to", s.address(), "--reset-after", "20", "--direction", "up", "--log-frames", "--seed", "1")) {
      Jar.Result client = Jar.python(RESET_CLIENT, port.get(0));
      assertEquals(0, client.exit, client.toString());
      assertEquals("echo hello\necho world\nreset\n", client.stdout, client.toString());
      proxy.await("<- 5 bytes: world");
      List<String> frames = proxy.lines().stream().filter(l -> l.startsWith("->") || l.startsWith("<-")).toList();
      assertEquals(List.of("-> 5 bytes: hello", "<- 5 bytes: hello", "-> 5 bytes: world", "<- 5 bytes: world"), frames);
      String log = proxy.stopAndReadStderr();
      assertTrue(log.contains("reset after 20 bytes"), log);
    }
  }

  @Test
  void logFramesInsideTlsBothWays() throws Exception {
    String cert = server.resolve("cert.pem").toString();
    String key = server.resolve("key.pem").toString();
    String caPem = ca.resolve("ca.pem").toString();
    List<String> port = new ArrayList<>();
    try (Jar.Served s = Jar.serve("--tls", "--cert", cert, "--key", key, "--framing", "length");
        Jar.Running proxy = proxy(port, "--to", s.address(), "--tls", "--cert", cert, "--key", key, "--tls-to", "--ca", caPem,
            "--framing", "length", "--log-frames", "--chunk", "1-7", "--seed", "3")) {
      byte[] input = "hello\nbinary\u0001\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Jar.Result r = Jar.run(input, "connect", "127.0.0.1:" + port.get(0), "--tls", "--ca", caPem, "--framing", "length");
      CliIT.assertOk(r);
      assertEquals("hello\nbinary\u0001\n", r.stdout);
      proxy.await("<- 7 bytes: 62696e61727901");
      List<String> frames = proxy.lines().stream().filter(l -> l.startsWith("->") || l.startsWith("<-")).toList();
      assertTrue(frames.containsAll(List.of("-> 5 bytes: hello", "<- 5 bytes: hello", "-> 7 bytes: 62696e61727901")), frames.toString());
    }
  }

  @Test
  void badProxyArgumentsGiveOneLineAndExit2() throws Exception {
    String[][] bad = {
      {"proxy", "--to", "127.0.0.1:1"},
      {"proxy", "--listen", "0"},
      {"proxy", "--listen", "0", "--to", "127.0.0.1:1", "--chunk", "3-1"},
      {"proxy", "--listen", "0", "--to", "127.0.0.1:1", "--stall-after", "5"},
      {"proxy", "--listen", "0", "--to", "127.0.0.1:1", "--tls"},
      {"proxy", "--listen", "0", "--to", "127.0.0.1:1", "--direction", "sideways"},
      {"proxy", "--listen", "0", "--to", "127.0.0.1:1", "--ca", "x.pem"},
    };
    for (String[] args : bad) {
      Jar.Result r = Jar.run("", args);
      CliIT.assertOneLineFailure(r);
      assertEquals(2, r.exit, String.join(" ", args) + ": " + r);
    }
  }
}
