package dev.sockettoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The toolkit command end to end: the packaged jar, run as separate processes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliIT {
  private static final String LINES = "hello\nworld\n\nlast line with spaces  \n";

  @TempDir static Path dir;
  static Path ca;
  static Path server;
  static Path client;

  @BeforeAll
  static void certificates() throws Exception {
    ca = dir.resolve("ca");
    server = dir.resolve("server");
    client = dir.resolve("client");
    assertOk(Jar.run("", "cert", "ca", "--out", ca.toString()));
    assertOk(Jar.run("", "cert", "issue", "--ca", ca.toString(), "--out", server.toString(), "--dns", "localhost", "--ip", "127.0.0.1"));
    assertOk(Jar.run("", "cert", "issue", "--ca", ca.toString(), "--out", client.toString(), "--client", "--name", "alice"));
  }

  static void assertOk(Jar.Result r) {
    assertEquals(0, r.exit, r.toString());
  }

  /** A failure is exactly one line on stderr, no stack trace, and a non-zero exit. */
  static void assertOneLineFailure(Jar.Result r) {
    assertNotEquals(0, r.exit, r.toString());
    List<String> lines = r.stderr.lines().filter(l -> !l.startsWith("warning:")).toList();
    assertEquals(1, lines.size(), "expected one line on stderr: " + r);
    assertTrue(!r.stderr.contains("\tat "), "stack trace printed: " + r);
  }

  @Test
  void versionAndHelp() throws Exception {
    Jar.Result version = Jar.run("", "--version");
    assertOk(version);
    assertTrue(version.stdout.startsWith("toolkit 0.1.0"), version.toString());
    for (String command : List.of("serve", "connect", "proxy", "cert", "bench", "demo")) {
      Jar.Result help = Jar.run("", command, "--help");
      assertOk(help);
      assertTrue(help.stdout.contains("Usage: toolkit " + command), help.toString());
    }
    assertOk(Jar.run("", "cert", "issue", "--help"));
  }

  @Test
  void badArgumentsGiveOneLineAndExit2() throws Exception {
    String[][] bad = {
      {"serve", "--port", "seventy"},
      {"serve", "--framing", "morse"},
      {"serve", "--length-bytes", "5", "--framing", "length"},
      {"serve", "--delimiter", "zz", "--framing", "delimiter"},
      {"serve", "--idle-timeout", "soon"},
      {"serve", "--cert", "x.pem"},
      {"serve", "--proxy-protocol", "v2"},
      {"serve", "--proxy-protocol", "v3", "--trusted-proxy", "10.0.0.0/8"},
      {"serve", "--proxy-protocol", "v2", "--trusted-proxy", "lb.example.com"},
      {"serve", "--trusted-proxy", "10.0.0.0/8"},
      {"connect", "127.0.0.1:1", "--reconnect", "--framing", "raw"},
      {"connect"},
      {"connect", "127.0.0.1"},
      {"connect", "127.0.0.1:1", "--client-auth", "required"},
      {"frobnicate"},
      {"cert", "issue", "--out", "x"},
    };
    for (String[] args : bad) {
      Jar.Result r = Jar.run("", args);
      assertOneLineFailure(r);
      assertEquals(2, r.exit, String.join(" ", args) + ": " + r);
    }
  }

  @Test
  void connectionRefusedIsOneLineAndExit1() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Jar.Result r = Jar.run("hi\n", "connect", "127.0.0.1:" + port);
    assertOneLineFailure(r);
    assertEquals(1, r.exit);
  }

  @Test
  void linesEchoOverPlainTcp() throws Exception {
    try (Jar.Served s = Jar.serve()) {
      assertEquals("127.0.0.1", s.host);
      Jar.Result r = Jar.run(LINES, "connect", s.address());
      assertOk(r);
      assertEquals(LINES, r.stdout);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--framing length --length-bytes 1",
        "--framing length --length-bytes 2 --byte-order little",
        "--framing length --length-bytes 3",
        "--framing length --length-bytes 4",
        "--framing length --length-bytes 8 --byte-order little",
        "--framing length --length-bytes varint",
        "--framing delimiter --delimiter 00",
        "--framing delimiter --delimiter 0d0a",
        "--framing lines --max-frame 100",
      })
  void everyFramingEchoes(String framing) throws Exception {
    String[] options = framing.split(" ");
    try (Jar.Served s = Jar.serve(options)) {
      String[] args = concat(new String[] {"connect", s.address()}, options);
      Jar.Result r = Jar.run(LINES, args);
      assertOk(r);
      assertEquals(LINES, r.stdout, framing);
    }
  }

  @Test
  void rawFramingCopiesBytesBothWays() throws Exception {
    try (Jar.Served s = Jar.serve("--framing", "raw")) {
      Jar.Result r = Jar.run("no\nframes\nhere", "connect", s.address(), "--framing", "raw");
      assertOk(r);
      assertEquals("no\nframes\nhere", r.stdout);
    }
  }

  @Test
  void tlsWithCertificatesFromCert() throws Exception {
    try (Jar.Served s = Jar.serve("--tls", "--cert", server.resolve("cert.pem").toString(), "--key", server.resolve("key.pem").toString())) {
      Jar.Result r = Jar.run(LINES, "connect", s.address(), "--tls", "--ca", ca.resolve("ca.pem").toString());
      assertOk(r);
      assertEquals(LINES, r.stdout);

      Jar.Result byName = Jar.run("x\n", "connect", "localhost:" + s.port, "--tls", "--ca", ca.resolve("ca.pem").toString(), "--framing", "lines");
      assertOk(byName);

      Jar.Result untrusted = Jar.run("x\n", "connect", s.address(), "--tls");
      assertOneLineFailure(untrusted);

      Jar.Result wrongName = Jar.run("x\n", "connect", s.address(), "--tls", "--ca", ca.resolve("ca.pem").toString(), "--server-name", "example.com");
      assertOneLineFailure(wrongName);
    }
  }

  @Test
  void mutualTls() throws Exception {
    try (Jar.Served s =
        Jar.serve(
            "--tls",
            "--cert", server.resolve("cert.pem").toString(),
            "--key", server.resolve("key.pem").toString(),
            "--ca", ca.resolve("ca.pem").toString(),
            "--client-auth", "required")) {
      Jar.Result withCert =
          Jar.run(LINES, "connect", s.address(), "--tls", "--ca", ca.resolve("ca.pem").toString(),
              "--cert", client.resolve("cert.pem").toString(), "--key", client.resolve("key.pem").toString());
      assertOk(withCert);
      assertEquals(LINES, withCert.stdout);

      Jar.Result without = Jar.run("x\n", "connect", s.address(), "--tls", "--ca", ca.resolve("ca.pem").toString());
      assertOneLineFailure(without);

      String serverLog = s.stopAndReadStderr();
      assertTrue(serverLog.lines().anyMatch(l -> l.contains("127.0.0.1:")), serverLog);
    }
  }

  @Test
  void selfSignedWithInsecureClient() throws Exception {
    try (Jar.Served s = Jar.serve("--tls", "--self-signed")) {
      // stdoutLines grows on the drain thread: read it only under its lock
      assertTrue(waitForFingerprint(s), () -> snapshot(s));
      synchronized (s.stdoutLines) {
        assertTrue(s.stdoutLines.stream().anyMatch(l -> l.matches(".*sha256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}.*")), s.stdoutLines.toString());
      }
      Jar.Result r = Jar.run(LINES, "connect", s.address(), "--tls", "--insecure");
      assertOk(r);
      assertEquals(LINES, r.stdout);
      assertTrue(r.stderr.startsWith("warning: --insecure"), r.stderr);
    }
  }

  /**
   * Every provider the jar bundles serves and connects, each against another. A client on
   * Conscrypt or Bouncy Castle cannot half-close (docs/TLS.md), so it waits for its replies
   * ({@code --until replies}) instead of half-closing at the end of its input.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "serve on {0}, connect on {1}")
  @org.junit.jupiter.params.provider.CsvSource({"conscrypt,jdk", "bc,jdk", "jdk,conscrypt", "conscrypt,bc", "bc,conscrypt"})
  void tlsProvidersServeAndConnect(String serverProvider, String clientProvider) throws Exception {
    try (Jar.Served s = Jar.serve("--tls", "--self-signed", "--tls-provider", serverProvider)) {
      assertTrue(waitForFingerprint(s), () -> snapshot(s));
      String until = clientProvider.equals("jdk") ? "eof" : "replies";
      Jar.Result r =
          Jar.run(
              LINES, "connect", s.address(), "--tls", "--insecure", "--tls-provider", clientProvider,
              "--until", until);
      assertOk(r);
      assertEquals(LINES, r.stdout);
    }
  }

  @Test
  void anUnknownTlsProviderIsOneLine() throws Exception {
    Jar.Result r = Jar.run("", "connect", "127.0.0.1:9", "--tls", "--tls-provider", "openssl");
    assertOneLineFailure(r);
    assertTrue(r.stderr.contains("jdk, conscrypt, bc"), r.stderr);
  }

  private static String snapshot(Jar.Served s) {
    synchronized (s.stdoutLines) {
      return s.stdoutLines.toString();
    }
  }

  private static boolean waitForFingerprint(Jar.Served s) throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      synchronized (s.stdoutLines) {
        if (s.stdoutLines.stream().anyMatch(l -> l.contains("sha256 fingerprint"))) {
          return true;
        }
      }
      Thread.sleep(100);
    }
    return false;
  }

  @Test
  void aMisbehavingClientIsReportedAndOthersAreServed() throws Exception {
    try (Jar.Served s = Jar.serve("--max-frame", "16")) {
      // Sent raw, so only the server enforces the limit; it drops this client (a reset or an end).
      Jar.run("this line is much longer than sixteen bytes\n", "connect", s.address(), "--framing", "raw");
      Jar.Result fine = Jar.run("short\n", "connect", s.address());
      assertOk(fine);
      assertEquals("short\n", fine.stdout);
      String log = s.stopAndReadStderr();
      List<String> lines = log.lines().filter(l -> l.startsWith("serve: 127.0.0.1:")).toList();
      assertEquals(1, lines.size(), log);
      assertTrue(lines.get(0).contains("16"), lines.get(0));
    }
  }

  @Test
  void certificatesPassOpensslVerify() throws Exception {
    Assumptions.assumeTrue(openssl(), "openssl not found on PATH: skipping OpenSSL interop");
    Process p = new ProcessBuilder("openssl", "verify", "-CAfile", ca.resolve("ca.pem").toString(), server.resolve("cert.pem").toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains(": OK"), out);
    Path rsa = dir.resolve("rsa");
    assertOk(Jar.run("", "cert", "issue", "--ca", ca.toString(), "--out", rsa.toString(), "--key-type", "rsa"));
    Process q = new ProcessBuilder("openssl", "verify", "-CAfile", ca.resolve("ca.pem").toString(), rsa.resolve("cert.pem").toString())
        .redirectErrorStream(true).start();
    assertEquals(0, q.waitFor(), new String(q.getInputStream().readAllBytes()));
    assertTrue(Files.readString(rsa.resolve("key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"), "key.pem is not PKCS#8");
  }

  @Test
  void opensslClientTalksToServeTls() throws Exception {
    Assumptions.assumeTrue(openssl(), "openssl not found on PATH: skipping OpenSSL interop");
    try (Jar.Served s = Jar.serve("--tls", "--cert", server.resolve("cert.pem").toString(), "--key", server.resolve("key.pem").toString())) {
      for (String version : List.of("-tls1_3", "-tls1_2")) {
        Process p =
            new ProcessBuilder(
                    "openssl", "s_client", "-connect", s.address(), version, "-servername", "localhost",
                    "-CAfile", ca.resolve("ca.pem").toString(), "-verify_return_error", "-quiet")
                .redirectErrorStream(true)
                .start();
        StringBuffer output = new StringBuffer();
        Thread reader =
            new Thread(
                () -> {
                  try {
                    byte[] b = new byte[4096];
                    int n;
                    while ((n = p.getInputStream().read(b)) >= 0) {
                      output.append(new String(b, 0, n));
                    }
                  } catch (java.io.IOException ignored) {
                    // process ended
                  }
                });
        reader.setDaemon(true);
        reader.start();
        p.getOutputStream().write("ping from openssl\n".getBytes());
        p.getOutputStream().flush();
        for (int i = 0; i < 200 && !output.toString().contains("ping from openssl") && p.isAlive(); i++) {
          Thread.sleep(50);
        }
        p.getOutputStream().close();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
        reader.join(5000);
        assertTrue(output.toString().contains("ping from openssl"), version + ": " + output);
      }
    }
  }

  static boolean openssl() {
    try {
      Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
      boolean ok = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
      if (!ok) {
        System.err.println("SKIPPED: openssl is not usable here");
      }
      return ok;
    } catch (Exception e) {
      System.err.println("SKIPPED: openssl not found on PATH (" + e.getMessage() + "); OpenSSL interop tests do not run");
      return false;
    }
  }

  @Test
  void demoRunsAndSummarizes() throws Exception {
    Jar.Result r = Jar.run("", "demo", "--duration", "2s");
    assertOk(r);
    assertTrue(r.stdout.contains("Summary"), r.toString());
    assertTrue(r.stdout.contains("TLSv1.3"), r.toString());
    assertTrue(r.stdout.contains("0 lost"), r.toString());
  }

  @Test
  void benchPrintsATable() throws Exception {
    Jar.Result r = Jar.run("", "bench", "--duration", "2s", "--framing", "length", "--size", "64", "--connections", "2");
    assertOk(r);
    assertTrue(r.stdout.contains("messages/s"), r.toString());
    assertTrue(r.stdout.contains("latency p99"), r.toString());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
