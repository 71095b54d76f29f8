package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.tls.TlsHandshakeException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Certificate revocation: CRLs the CA writes, checked by servers and clients. */
class RevocationTest {
  @TempDir Path dir;

  private static CertificateAuthority newCa() {
    return CertificateAuthority.create("Revoking CA");
  }

  private static String serialOf(IssuedCertificate issued) {
    return RevocationLists.serial(issued.certificate().getSerialNumber());
  }

  @Test
  void theCaWritesAVersion2CrlWithNextUpdateListingWhatItRevoked() throws Exception {
    CertificateAuthority ca = newCa();
    IssuedCertificate revoked = ca.issue().commonName("gone").client().issue();
    IssuedCertificate kept = ca.issue().commonName("kept").client().issue();
    ca.revoke(revoked.certificate());
    ca.writeCrl(dir.resolve("crl.pem"), Duration.ofDays(7));
    X509CRL crl = RevocationLists.read(dir.resolve("crl.pem")).get(0);
    assertEquals(2, crl.getVersion());
    assertTrue(crl.getNextUpdate().toInstant().isAfter(Instant.now().plus(Duration.ofDays(6))));
    assertTrue(crl.isRevoked(revoked.certificate()));
    assertTrue(!crl.isRevoked(kept.certificate()));
    crl.verify(ca.certificate().getPublicKey());
    assertEquals(List.of(revoked.certificate().getSerialNumber()), ca.revokedSerialNumbers());

    // Read back into a CA loaded in another process: the revocations carry over.
    ca.writePem(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
    CertificateAuthority again = CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
    again.readRevocations(dir.resolve("crl.pem"));
    assertEquals(ca.revokedSerialNumbers(), again.revokedSerialNumbers());
    X509CRL next = again.crl(Duration.ofDays(1));
    assertTrue(next.isRevoked(revoked.certificate()));
    // Another CA's certificate cannot be revoked here, nor its CRL read.
    assertThrows(IllegalArgumentException.class, () -> ca.revoke(TestPki.CLIENT.certificate()));
    assertThrows(KeyMaterialException.class, () -> TestPki.CA.readRevocations(dir.resolve("crl.pem")));
  }

  @Test
  void openSslReadsTheCrlAndFindsTheRevokedCertificate() throws Exception {
    OpenSsl.require();
    CertificateAuthority ca = newCa();
    IssuedCertificate revoked = ca.issue().dns("gone.test").issue();
    IssuedCertificate kept = ca.issue().dns("kept.test").issue();
    ca.revoke(revoked.certificate());
    ca.writeCrl(dir.resolve("crl.pem"), Duration.ofDays(7));
    ca.writePem(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
    java.nio.file.Files.writeString(dir.resolve("gone.pem"), Pem.encode(List.of(revoked.certificate())));
    java.nio.file.Files.writeString(dir.resolve("kept.pem"), Pem.encode(List.of(kept.certificate())));
    String text = OpenSsl.run(dir, "crl", "-in", "crl.pem", "-noout", "-text");
    assertTrue(text.contains("Version 2") && text.contains("Next Update") && text.contains("CRL Number"), text);
    assertTrue(text.contains(serialOf(revoked)), text);
    assertTrue(OpenSsl.run(dir, "verify", "-crl_check", "-CAfile", "ca.pem", "-CRLfile", "crl.pem", "kept.pem").contains("OK"));
    IOException e = assertThrows(IOException.class,
        () -> OpenSsl.run(dir, "verify", "-crl_check", "-CAfile", "ca.pem", "-CRLfile", "crl.pem", "gone.pem"));
    assertTrue(e.getMessage().contains("revoked"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aServerRefusesARevokedClientNamingItsSerial(String protocol) throws Exception {
    CertificateAuthority ca = newCa();
    IssuedCertificate server = ca.issue().dns("localhost").server().issue();
    IssuedCertificate good = ca.issue().commonName("good").client().issue();
    IssuedCertificate bad = ca.issue().commonName("bad").client().issue();
    ca.revoke(bad.certificate());
    ca.writeCrl(dir.resolve("crl.pem"), Duration.ofDays(1));
    TlsConfig serverConfig =
        TlsConfig.server(server.keyMaterial()).protocols(protocol).clientAuth(ClientAuth.REQUIRED)
            .trust(ca.trustMaterial()).crl(dir.resolve("crl.pem")).build();
    TlsConfig goodClient = TlsConfig.client().trust(ca.trustMaterial()).keyMaterial(good.keyMaterial()).build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.TCP, goodClient, "localhost", serverConfig)) {
      tls.handshake();
    }
    TlsConfig badClient = TlsConfig.client().trust(ca.trustMaterial()).keyMaterial(bad.keyMaterial()).build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.TCP, badClient, "localhost", serverConfig).startServer()) {
      IOException clientSide = assertThrows(IOException.class, () -> {
        tls.client.handshake();
        tls.client.read(ByteBuffer.allocate(1), Duration.ofSeconds(10));
      });
      TlsHandshakeException s = assertInstanceOf(TlsHandshakeException.class, tls.serverFailure());
      assertEquals(Reason.CERTIFICATE_REVOKED, s.reason(), s.getMessage());
      assertTrue(s.getMessage().contains("serial " + serialOf(bad)), s.getMessage());
      // The JDK's server answers any client certificate failure with certificate_unknown, so the
      // client learns that its certificate was rejected, not why; the server's log line says why.
      TlsHandshakeException c = assertInstanceOf(TlsHandshakeException.class, clientSide);
      assertEquals(Reason.PEER_REJECTED_CERTIFICATE, c.reason(), c.getMessage());
    }
  }

  @Test
  void aClientRefusesARevokedServer() throws Exception {
    CertificateAuthority ca = newCa();
    IssuedCertificate server = ca.issue().dns("localhost").server().issue();
    ca.revoke(server.certificate());
    ca.writeCrl(dir.resolve("crl.pem"), Duration.ofDays(1));
    TlsConfig serverConfig = TlsConfig.server(server.keyMaterial()).build();
    TlsConfig client = TlsConfig.client().trust(ca.trustMaterial()).crl(dir.resolve("crl.pem")).build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.TCP, client, "localhost", serverConfig).startServer()) {
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, tls.client::handshake);
      assertEquals(Reason.CERTIFICATE_REVOKED, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("serial " + serialOf(server)), e.getMessage());
      // The JDK's client sends certificate_revoked: the server is told why.
      TlsHandshakeException s = assertInstanceOf(TlsHandshakeException.class, tls.serverFailure());
      assertEquals(Reason.CERTIFICATE_REVOKED, s.reason(), s.getMessage());
    }
  }

  @Test
  void anOutOfDateCrlIsAClearErrorWhenLoadedAndWhenUsed() throws Exception {
    CertificateAuthority ca = newCa();
    IssuedCertificate server = ca.issue().dns("localhost").server().issue();
    Instant now = Instant.now();
    Pem.write(dir.resolve("old.pem"), Pem.encode(List.of(ca.crl(now.minus(Duration.ofDays(8)), now.minus(Duration.ofDays(1))))), false);
    KeyMaterialException expired =
        assertThrows(KeyMaterialException.class, () -> TlsConfig.client().crl(dir.resolve("old.pem")));
    assertEquals(KeyMaterialException.Reason.EXPIRED, expired.reason());
    assertTrue(expired.getMessage().contains("nextUpdate") && expired.getMessage().contains("old.pem"), expired.getMessage());
    Pem.write(dir.resolve("future.pem"), Pem.encode(List.of(ca.crl(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2))))), false);
    KeyMaterialException future =
        assertThrows(KeyMaterialException.class, () -> TlsConfig.client().crl(dir.resolve("future.pem")));
    assertEquals(KeyMaterialException.Reason.NOT_YET_VALID, future.reason());

    // Current when loaded, out of date when a handshake uses it: refused, not passed.
    Pem.write(dir.resolve("short.pem"), Pem.encode(List.of(ca.crl(now.minus(Duration.ofMinutes(1)), Instant.now().plusMillis(1500)))), false);
    TlsConfig client = TlsConfig.client().trust(ca.trustMaterial()).crl(dir.resolve("short.pem")).build();
    Thread.sleep(2000);
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, client, "localhost", TlsConfig.server(server.keyMaterial()).build()).startServer()) {
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, tls.client::handshake);
      assertEquals(Reason.REVOCATION_UNKNOWN, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("out of date"), e.getMessage());
    }
  }

  @Test
  void aWatchedConfigReloadsItsCrlWhenTheFileChanges() throws Exception {
    CertificateAuthority ca = newCa();
    IssuedCertificate server = ca.issue().dns("localhost").server().issue();
    IssuedCertificate client = ca.issue().commonName("soon-revoked").client().issue();
    server.writePem(dir.resolve("server.pem"), dir.resolve("server-key.pem"));
    ca.writeCrl(dir.resolve("crl.pem"), Duration.ofDays(1));
    TlsConfig clientConfig = TlsConfig.client().trust(ca.trustMaterial()).keyMaterial(client.keyMaterial()).build();
    try (ReloadableTlsConfig watched =
        ReloadableTlsConfig.watchPem(
            dir.resolve("server.pem"), dir.resolve("server-key.pem"),
            key -> TlsConfig.server(key).clientAuth(ClientAuth.REQUIRED).trust(ca.trustMaterial())
                .crl(dir.resolve("crl.pem")).build(),
            Duration.ofMillis(50))) {
      try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, clientConfig, "localhost", watched.get())) {
        tls.handshake();
      }
      TlsConfig before = watched.get();
      ca.revoke(client.certificate());
      ca.writeCrl(dir.resolve("crl.pem"), Duration.ofDays(1));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (watched.get() == before && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(watched.get() != before, "the CRL change was not picked up");
      try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, clientConfig, "localhost", watched.get()).startServer()) {
        assertThrows(IOException.class, () -> {
          tls.client.handshake();
          tls.client.read(ByteBuffer.allocate(1), Duration.ofSeconds(10));
        });
        TlsHandshakeException s = assertInstanceOf(TlsHandshakeException.class, tls.serverFailure());
        assertEquals(Reason.CERTIFICATE_REVOKED, s.reason(), s.getMessage());
      }
    }
  }
}
