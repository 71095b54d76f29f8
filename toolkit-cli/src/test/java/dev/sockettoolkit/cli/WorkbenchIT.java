package dev.sockettoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** connect --until and --format, serve --mode stdio: the packaged jar against itself and Python peers. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkbenchIT {
  private static final String LINES = "hello\nworld\n\nlast line with spaces  \n";

  /** A Python server: pushes a greeting at once, counts lines until the client's end, says how many, closes. */
  private static final String PUSHING_SERVER = """
      import socket, sys
      srv = socket.socket()
      srv.bind(("127.0.0.1", 0))
      srv.listen(1)
      print(srv.getsockname()[1], flush=True)
      srv.settimeout(20)
      conn, _ = srv.accept()
      conn.settimeout(20)
      conn.sendall(b"welcome\\n")
      data = b""
      while True:
          chunk = conn.recv(4096)
          if not chunk:
              break
          data += chunk
      conn.sendall(b"got %d lines\\n" % data.count(b"\\n"))
      conn.close()
      """;

  /** Two plain sockets to serve --mode stdio: the second joins later; prints what each receives. */
  private static final String TWO_PEERS = """
      import socket, sys, time
      port = int(sys.argv[1])
      s1 = socket.create_connection(("127.0.0.1", port), timeout=20)
      s1.sendall(b"one\\n")
      time.sleep(0.5)
      s2 = socket.create_connection(("127.0.0.1", port), timeout=20)
      s2.sendall(b"two\\n")
      f1, f2 = s1.makefile("rb"), s2.makefile("rb")
      print("s2: " + f2.readline().decode().rstrip("\\n"))
      print("s2: " + f2.readline().decode().rstrip("\\n"))
      print("s1: " + f1.readline().decode().rstrip("\\n"))
      """;

  /** One length-prefixed binary frame to serve --mode stdio --format hex, and one back. */
  private static final String BINARY_PEER = """
      import socket, sys
      s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
      s.sendall(bytes([0, 3, 0x00, 0xff, 0x10]))
      got = b""
      while len(got) < 4:
          chunk = s.recv(4 - len(got))
          if not chunk:
              break
          got += chunk
      print(got.hex())
      """;

  @Test
  void untilRepliesIsTheOldBehaviourAndIdleStopsOnceQuiet() throws Exception {
    try (Jar.Served s = Jar.serve()) {
      Jar.Result replies = Jar.run(LINES, "connect", s.address(), "--until", "replies");
      CliIT.assertOk(replies);
      assertEquals(LINES, replies.stdout);

      // The echo server never ends the stream by itself: idle ends the session once it is quiet.
      long start = System.nanoTime();
      Jar.Result idle = Jar.run(LINES, "connect", s.address(), "--until", "idle:300ms");
      CliIT.assertOk(idle);
      assertEquals(LINES, idle.stdout);
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300));
    }
    for (String[] bad : new String[][] {
        {"connect", "127.0.0.1:1", "--until", "soon"},
        {"connect", "127.0.0.1:1", "--until", "idle:never"},
        {"connect", "127.0.0.1:1", "--framing", "raw", "--until", "replies"},
        {"connect", "127.0.0.1:1", "--format", "morse"},
        {"serve", "--mode", "shout"},
    }) {
      Jar.Result r = Jar.run("", bad);
      CliIT.assertOneLineFailure(r);
      assertEquals(2, r.exit, String.join(" ", bad) + ": " + r);
    }
  }

  @Test
  void connectUntilEofPrintsWhatAPythonServerPushes() throws Exception {
    Assumptions.assumeTrue(Jar.hasPython(), "python3 not found: skipping the Python peer");
    Process server = new ProcessBuilder("python3", "-c", PUSHING_SERVER).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String port = out.readLine();
      Jar.Result r = Jar.run("a\nb\nc\n", "connect", "127.0.0.1:" + port);
      CliIT.assertOk(r);
      assertEquals("welcome\ngot 3 lines\n", r.stdout);
      assertTrue(server.waitFor(20, TimeUnit.SECONDS));
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void stdioServerAndConnectTalkBothWays() throws Exception {
    try (Jar.Running serve = Jar.start("serve", "--port", "0", "--mode", "stdio")) {
      String address = serve.await("listening on (.+)").group(1);
      try (Jar.Running connect = Jar.start("connect", address)) {
        connect.write("hi from the client\n");
        serve.await("hi from the client");
        serve.write("hi from the server\n");
        connect.await("hi from the server");
        // stdin ends: connect half-closes, the server ends the connection, connect exits 0
        assertEquals(0, connect.endInputAndWait(), connect.lines().toString());
        assertEquals(List.of("hi from the server"), connect.lines());
      }
    }
  }

  @Test
  void stdioServerNumbersPlainPythonPeersAndAddressesOne() throws Exception {
    Assumptions.assumeTrue(Jar.hasPython(), "python3 not found: skipping the Python peer");
    try (Jar.Running serve = Jar.start("serve", "--port", "0", "--mode", "stdio")) {
      String port = serve.await("listening on .+:(\\d+)").group(1);
      Process peers = new ProcessBuilder("python3", "-c", TWO_PEERS, port).redirectErrorStream(true).start();
      try {
        serve.await("(\\[1\\] )?one");
        serve.await("\\[2\\] two");
        serve.write("@2 only for two\nto all\n");
        assertTrue(peers.waitFor(20, TimeUnit.SECONDS), "python peers did not finish");
        String printed = new String(peers.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("s2: only for two\ns2: to all\ns1: to all\n", printed);
      } finally {
        peers.destroyForcibly();
      }
    }
  }

  @Test
  void stdioServerPrintsAndSendsBinaryFramesAsHex() throws Exception {
    Assumptions.assumeTrue(Jar.hasPython(), "python3 not found: skipping the Python peer");
    try (Jar.Running serve = Jar.start("serve", "--port", "0", "--mode", "stdio", "--format", "hex", "--framing", "length", "--length-bytes", "2")) {
      String port = serve.await("listening on .+:(\\d+)").group(1);
      Process peer = new ProcessBuilder("python3", "-c", BINARY_PEER, port).redirectErrorStream(true).start();
      try {
        serve.await("00ff10");
        serve.write("CA FE\n");
        assertTrue(peer.waitFor(20, TimeUnit.SECONDS), "python peer did not finish");
        assertEquals("0002cafe\n", new String(peer.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      } finally {
        peer.destroyForcibly();
      }
    }
  }

  @Test
  void binaryLengthPrefixedFrameRoundTripsThroughHexAndBase64() throws Exception {
    try (Jar.Served s = Jar.serve("--framing", "length", "--length-bytes", "2")) {
      String[] connect = {"connect", s.address(), "--framing", "length", "--length-bytes", "2", "--format"};
      Jar.Result hex = Jar.run("00ff10800a0d\n\n", concat(connect, "hex"));
      CliIT.assertOk(hex);
      assertEquals("00ff10800a0d\n\n", hex.stdout);

      Jar.Result base64 = Jar.run("AP8QgAoN\n", concat(connect, "base64"));
      CliIT.assertOk(base64);
      assertEquals("AP8QgAoN\n", base64.stdout);

      Jar.Result text = Jar.run(new byte[] {(byte) 0xff, (byte) 0xfe, 0, '\n', 'o', 'k', '\n'}, concat(connect, "text"));
      CliIT.assertOk(text);
      assertEquals("hex:fffe00\nok\n", text.stdout);

      Jar.Result notHex = Jar.run("zz\n", concat(connect, "hex"));
      CliIT.assertOneLineFailure(notHex);
      assertTrue(notHex.stderr.contains("line 1"), notHex.toString());
    }
  }

  private static String[] concat(String[] a, String last) {
    String[] all = java.util.Arrays.copyOf(a, a.length + 1);
    all[a.length] = last;
    return all;
  }
}
