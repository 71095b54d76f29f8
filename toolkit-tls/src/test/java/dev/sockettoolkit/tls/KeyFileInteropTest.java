package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every private key the toolkit writes loads in GnuTLS ({@code certtool}), OpenSSL ({@code
 * openssl pkey}), Node.js ({@code crypto.createPrivateKey}) and the JDK.
 */
class KeyFileInteropTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static Path writeKey(KeyType type, Path dir) throws Exception {
    IssuedCertificate leaf = TestPki.CA.issue().dns("keys.test").keyType(type).issue();
    leaf.writePem(dir.resolve("chain.pem"), dir.resolve("key.pem"));
    return dir.resolve("key.pem");
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void gnuTlsCerttoolLoadsTheKey(KeyType type, @TempDir Path dir) throws Exception {
    String certtool = Peers.gnutls("certtool");
    writeKey(type, dir);
    Peers.Result result = Peers.run(dir, TIMEOUT, certtool, "-k", "--infile", "key.pem");
    assertTrue(result.ok(), result.output());
    assertTrue(!result.output().contains("Element was not found"), result.output());
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void openSslLoadsTheKeyAndItMatchesTheCertificate(KeyType type, @TempDir Path dir) throws Exception {
    String openssl = OpenSsl.require();
    writeKey(type, dir);
    Peers.Result key = Peers.run(dir, TIMEOUT, openssl, "pkey", "-in", "key.pem", "-pubout");
    Peers.Result cert = Peers.run(dir, TIMEOUT, openssl, "x509", "-in", "chain.pem", "-noout", "-pubkey");
    assertTrue(key.ok(), key.output());
    assertEquals(cert.output().trim(), key.output().trim());
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void nodeLoadsTheKeyAndItMatchesTheCertificate(KeyType type, @TempDir Path dir) throws Exception {
    String node = Peers.node();
    writeKey(type, dir);
    String script =
        "const crypto = require('crypto'); const fs = require('fs');"
            + "const key = crypto.createPrivateKey(fs.readFileSync('key.pem'));"
            + "const cert = new crypto.X509Certificate(fs.readFileSync('chain.pem'));"
            + "const pub = crypto.createPublicKey(key).export({type: 'spki', format: 'der'});"
            + "console.log(key.asymmetricKeyType + ' ' + cert.checkPrivateKey(key) + ' '"
            + " + pub.equals(cert.publicKey.export({type: 'spki', format: 'der'})));";
    Peers.Result result = Peers.run(dir, TIMEOUT, node, "-e", script);
    assertTrue(result.ok(), result.output());
    assertTrue(result.output().trim().endsWith(" true true"), result.output());
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void theJdkLoadsTheKeyBack(KeyType type, @TempDir Path dir) throws Exception {
    writeKey(type, dir);
    KeyMaterial material = KeyMaterial.fromPem(dir.resolve("chain.pem"), dir.resolve("key.pem"));
    assertTrue(KeyMaterial.matches(material.privateKey(), material.certificate()));
  }

  @Test
  void ecKeysCarryTheirPublicKeyAsRfc5915Allows(@TempDir Path dir) throws Exception {
    Path key = writeKey(KeyType.EC_P256, dir);
    PrivateKeyInfo info;
    try (PEMParser parser = new PEMParser(Files.newBufferedReader(key))) {
      info = (PrivateKeyInfo) parser.readObject();
    }
    org.bouncycastle.asn1.sec.ECPrivateKey inner =
        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
    assertTrue(inner.getPublicKey() != null, "no [1] publicKey in the ECPrivateKey");
    // The point written is d·G for the key's own d: the loaded key pair matches its certificate.
    KeyMaterial loaded = KeyMaterial.fromPem(dir.resolve("chain.pem"), key);
    assertTrue(loaded.privateKey() instanceof ECPrivateKey);
    byte[] written = inner.getPublicKey().getOctets();
    java.security.interfaces.ECPublicKey certificateKey =
        (java.security.interfaces.ECPublicKey) loaded.certificate().getPublicKey();
    assertEquals(65, written.length);
    assertEquals(certificateKey.getW().getAffineX(), new java.math.BigInteger(1, java.util.Arrays.copyOfRange(written, 1, 33)));
    assertEquals(certificateKey.getW().getAffineY(), new java.math.BigInteger(1, java.util.Arrays.copyOfRange(written, 33, 65)));
  }
}
