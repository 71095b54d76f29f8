package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateAuthorityTest {

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void openSslVerifiesIssuedCertificatesOfEveryKeyType(KeyType keyType, @TempDir Path dir) throws Exception {
    OpenSsl.require();
    CertificateAuthority ca = CertificateAuthority.builder("CA " + keyType).keyType(keyType).build();
    IssuedCertificate leaf = ca.issue().dns("svc.test").ip("127.0.0.1", "::1").keyType(keyType).server().days(30).issue();
    ca.writePem(dir.resolve("ca.pem"), dir.resolve("ca.key"));
    leaf.writePem(dir.resolve("chain.pem"), dir.resolve("key.pem"));
    Files.writeString(dir.resolve("leaf.pem"), Pem.encode(List.of(leaf.certificate())));
    String verify = OpenSsl.run(dir, "verify", "-CAfile", "ca.pem", "-purpose", "sslserver", "leaf.pem");
    assertTrue(verify.contains("leaf.pem: OK"), verify);
    // openssl reads the PKCS#8 key and finds it matches the certificate.
    String keyModulus = OpenSsl.run(dir, "pkey", "-in", "key.pem", "-pubout");
    String certKey = OpenSsl.run(dir, "x509", "-in", "leaf.pem", "-noout", "-pubkey");
    assertEquals(keyModulus.trim(), certKey.trim());
    String fingerprint = OpenSsl.run(dir, "x509", "-in", "leaf.pem", "-noout", "-fingerprint", "-sha256");
    assertTrue(fingerprint.trim().endsWith("=" + leaf.sha256Fingerprint()), fingerprint + " vs " + leaf.sha256Fingerprint());
    String text = OpenSsl.run(dir, "x509", "-in", "leaf.pem", "-noout", "-text");
    assertTrue(text.contains("DNS:svc.test") && text.contains("IP Address:127.0.0.1"), text);
    assertTrue(text.contains("TLS Web Server Authentication") && !text.contains("Client Authentication"), text);
  }

  @Test
  void clientUsageAndValidity(@TempDir Path dir) throws Exception {
    OpenSsl.require();
    IssuedCertificate client = TestPki.CA.issue().commonName("worker").client().validity(Duration.ofHours(2)).issue();
    assertTrue(client.certificate().getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofHours(3))));
    TestPki.CA.writePem(dir.resolve("ca.pem"), dir.resolve("ca.key"));
    Files.writeString(dir.resolve("client.pem"), Pem.encode(List.of(client.certificate())));
    String verify = OpenSsl.run(dir, "verify", "-CAfile", "ca.pem", "-purpose", "sslclient", "client.pem");
    assertTrue(verify.contains("OK"), verify);
    assertThrows(java.io.IOException.class, () -> OpenSsl.run(dir, "verify", "-CAfile", "ca.pem", "-purpose", "sslserver", "client.pem"));
  }

  @Test
  void writesAndLoadsTheCa(@TempDir Path dir) throws Exception {
    CertificateAuthority ca = CertificateAuthority.builder("Round Trip").keyType(KeyType.RSA_2048).validity(Duration.ofDays(10)).build();
    ca.writePem(dir.resolve("ca.pem"), dir.resolve("ca.key"));
    CertificateAuthority loaded = CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("ca.key"));
    assertEquals(ca.certificate(), loaded.certificate());
    assertEquals(ca.sha256Fingerprint(), loaded.sha256Fingerprint());
    IssuedCertificate leaf = loaded.issue().dns("x.test").issue();
    leaf.certificate().verify(ca.certificate().getPublicKey());
    assertTrue(Files.readString(dir.resolve("ca.key")).contains("BEGIN PRIVATE KEY"));
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));
    }
    // A leaf is not a CA.
    leaf.writePem(dir.resolve("leaf.pem"), dir.resolve("leaf.key"));
    KeyMaterialException e =
        assertThrows(KeyMaterialException.class, () -> CertificateAuthority.load(dir.resolve("leaf.pem"), dir.resolve("leaf.key")));
    assertTrue(e.getMessage().contains("not a CA"), e.getMessage());
  }

  @Test
  void issuedPemLoadsBackAsKeyMaterial(@TempDir Path dir) throws Exception {
    TestPki.SERVER.writePem(dir.resolve("chain.pem"), dir.resolve("key.pem"));
    KeyMaterial material = KeyMaterial.fromPem(dir.resolve("chain.pem"), dir.resolve("key.pem"));
    assertEquals(TestPki.SERVER.chain(), material.certificateChain());
    assertEquals(TrustMaterial.fromPem(dir.resolve("chain.pem")).certificates().size(), 2);
  }

  @Test
  void rejectsBadNames() {
    assertThrows(IllegalArgumentException.class, () -> TestPki.CA.issue().dns("not a name"));
    assertThrows(IllegalArgumentException.class, () -> TestPki.CA.issue().ip("999.1.1.1"));
    assertThrows(IllegalStateException.class, () -> TestPki.CA.issue().issue());
    assertThrows(IllegalArgumentException.class, () -> KeyMaterial.of(TestPki.CLIENT.privateKey(), TestPki.SERVER.chain()));
  }
}
