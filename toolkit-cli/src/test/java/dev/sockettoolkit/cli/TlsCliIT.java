package dev.sockettoolkit.cli;

import static dev.sockettoolkit.cli.CliIT.assertOk;
import static dev.sockettoolkit.cli.CliIT.assertOneLineFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS refusals from the command line: a missing client certificate, revoked certificates. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsCliIT {
  @TempDir static Path dir;
  static Path ca;
  static Path server;
  static Path alice;
  static Path mallory;
  static String mallorySerial;

  @BeforeAll
  static void certificates() throws Exception {
    ca = dir.resolve("ca");
    server = dir.resolve("server");
    alice = dir.resolve("alice");
    mallory = dir.resolve("mallory");
    assertOk(Jar.run("", "cert", "ca", "--out", ca.toString()));
    assertOk(Jar.run("", "cert", "issue", "--ca", ca.toString(), "--out", server.toString(), "--dns", "localhost", "--ip", "127.0.0.1"));
    assertOk(Jar.run("", "cert", "issue", "--ca", ca.toString(), "--out", alice.toString(), "--client", "--name", "alice"));
    assertOk(Jar.run("", "cert", "issue", "--ca", ca.toString(), "--out", mallory.toString(), "--client", "--name", "mallory"));
    Jar.Result revoked = Jar.run("", "cert", "revoke", "--ca", ca.toString(), "--cert", mallory.resolve("cert.pem").toString());
    assertOk(revoked);
    Matcher m = Pattern.compile("revoked CN=mallory, serial ([0-9A-F]+)").matcher(revoked.stdout);
    assertTrue(m.find(), revoked.toString());
    mallorySerial = m.group(1);
    assertTrue(revoked.stdout.contains("crl.pem"), revoked.toString());
    Jar.Result crl = Jar.run("", "cert", "crl", "--ca", ca.toString(), "--out", dir.resolve("crl.pem").toString());
    assertOk(crl);
    assertTrue(crl.stdout.contains("1 revoked certificate(s)"), crl.toString());
  }

  private static String[] serverArgs(String... extra) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
        "--tls",
        "--cert", server.resolve("cert.pem").toString(),
        "--key", server.resolve("key.pem").toString(),
        "--ca", ca.resolve("ca.pem").toString()));
    args.addAll(java.util.List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void aClientWithoutCertificateIsToldToPassCertAndKeyEveryTime() throws Exception {
    try (Jar.Served s = Jar.serve(serverArgs())) {
      for (int i = 0; i < 5; i++) {
        Jar.Result r = Jar.run("hello\n", "connect", s.address(), "--tls", "--ca", ca.resolve("ca.pem").toString());
        assertOneLineFailure(r);
        assertTrue(r.stderr.contains("requires a client certificate"), r.toString());
        assertTrue(r.stderr.contains("--cert FILE --key FILE"), r.toString());
        assertFalse(r.stderr.contains("close_notify") || r.stderr.contains("keyMaterial"), r.toString());
      }
      String serverLog = s.stopAndReadStderr();
      assertTrue(serverLog.lines().anyMatch(l -> l.contains("client certificate required") && l.contains("--cert FILE --key FILE")), serverLog);
    }
  }

  @Test
  void aServerWithTheCrlRefusesTheRevokedClientAndNamesItsSerial() throws Exception {
    try (Jar.Served s = Jar.serve(serverArgs("--crl", dir.resolve("crl.pem").toString()))) {
      Jar.Result ok = Jar.run("hello\n", "connect", s.address(), "--tls", "--ca", ca.resolve("ca.pem").toString(),
          "--cert", alice.resolve("cert.pem").toString(), "--key", alice.resolve("key.pem").toString());
      assertOk(ok);
      assertEquals("hello\n", ok.stdout);
      Jar.Result refused = Jar.run("hello\n", "connect", s.address(), "--tls", "--ca", ca.resolve("ca.pem").toString(),
          "--cert", mallory.resolve("cert.pem").toString(), "--key", mallory.resolve("key.pem").toString());
      assertOneLineFailure(refused);
      assertTrue(refused.stderr.contains("rejected the client certificate"), refused.toString());
      String serverLog = s.stopAndReadStderr();
      assertTrue(serverLog.lines().anyMatch(l -> l.contains("certificate revoked") && l.contains("serial " + mallorySerial)), serverLog);
    }
  }

  @Test
  void serveReloadsItsCrlWhenTheFileChanges() throws Exception {
    Path caDir = dir.resolve("reload-ca");
    Path bob = dir.resolve("bob");
    Path crl = dir.resolve("reload-crl.pem");
    assertOk(Jar.run("", "cert", "ca", "--out", caDir.toString()));
    assertOk(Jar.run("", "cert", "issue", "--ca", caDir.toString(), "--out", dir.resolve("reload-server").toString()));
    assertOk(Jar.run("", "cert", "issue", "--ca", caDir.toString(), "--out", bob.toString(), "--client", "--name", "bob"));
    assertOk(Jar.run("", "cert", "crl", "--ca", caDir.toString(), "--out", crl.toString()));
    String[] bobArgs = {"connect", null, "--tls", "--ca", caDir.resolve("ca.pem").toString(),
        "--cert", bob.resolve("cert.pem").toString(), "--key", bob.resolve("key.pem").toString()};
    try (Jar.Served s = Jar.serve("--tls", "--cert", dir.resolve("reload-server").resolve("cert.pem").toString(),
        "--key", dir.resolve("reload-server").resolve("key.pem").toString(), "--ca", caDir.resolve("ca.pem").toString(),
        "--crl", crl.toString())) {
      bobArgs[1] = s.address();
      assertOk(Jar.run("hello\n", bobArgs));
      assertOk(Jar.run("", "cert", "revoke", "--ca", caDir.toString(), "--cert", bob.resolve("cert.pem").toString()));
      assertOk(Jar.run("", "cert", "crl", "--ca", caDir.toString(), "--out", crl.toString()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
      Jar.Result r = Jar.run("hello\n", bobArgs);
      while (r.exit == 0 && System.nanoTime() < deadline) {
        Thread.sleep(1000);
        r = Jar.run("hello\n", bobArgs);
      }
      assertOneLineFailure(r);
      String serverLog = s.stopAndReadStderr();
      assertTrue(serverLog.contains("certificate revoked"), serverLog);
    }
  }

  @Test
  void aClientWithTheCrlRefusesARevokedServer() throws Exception {
    Path revokedServer = dir.resolve("revoked-server");
    Path otherCa = dir.resolve("other-ca");
    assertOk(Jar.run("", "cert", "ca", "--out", otherCa.toString()));
    assertOk(Jar.run("", "cert", "issue", "--ca", otherCa.toString(), "--out", revokedServer.toString()));
    assertOk(Jar.run("", "cert", "revoke", "--ca", otherCa.toString(), "--cert", revokedServer.resolve("cert.pem").toString()));
    try (Jar.Served s = Jar.serve("--tls", "--cert", revokedServer.resolve("cert.pem").toString(), "--key", revokedServer.resolve("key.pem").toString())) {
      Jar.Result withoutCrl = Jar.run("hello\n", "connect", s.address(), "--tls", "--ca", otherCa.resolve("ca.pem").toString());
      assertOk(withoutCrl);
      Jar.Result refused = Jar.run("hello\n", "connect", s.address(), "--tls", "--ca", otherCa.resolve("ca.pem").toString(),
          "--crl", otherCa.resolve("crl.pem").toString());
      assertOneLineFailure(refused);
      assertTrue(refused.stderr.contains("certificate revoked") && refused.stderr.contains("serial "), refused.toString());
    }
  }

  @Test
  void revokingACertificateOfAnotherCaIsAUsageError() throws Exception {
    Path otherCa = dir.resolve("stranger-ca");
    assertOk(Jar.run("", "cert", "ca", "--out", otherCa.toString()));
    Jar.Result r = Jar.run("", "cert", "revoke", "--ca", otherCa.toString(), "--cert", alice.resolve("cert.pem").toString());
    assertOneLineFailure(r);
    assertTrue(r.stderr.contains("was not issued by this CA"), r.toString());
  }
}
