package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.tls.KeyMaterialException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Loading keys and certificates that openssl itself wrote, in every supported format. */
class KeyMaterialTest {
  static final char[] PASSWORD = "s3cret".toCharArray();

  @TempDir static Path dir;

  /** Each key format openssl writes, with the command that makes it from a fresh key. */
  enum Format {
    PKCS8_EC("ec", "BEGIN PRIVATE KEY", false),
    PKCS8_ENCRYPTED("ec", "BEGIN ENCRYPTED PRIVATE KEY", true),
    PKCS1_RSA("rsa", "BEGIN RSA PRIVATE KEY", false),
    SEC1_EC("ec", "BEGIN EC PRIVATE KEY", false),
    LEGACY_ENCRYPTED_RSA("rsa", "Proc-Type: 4,ENCRYPTED", true),
    LEGACY_ENCRYPTED_EC("ec", "Proc-Type: 4,ENCRYPTED", true),
    ED25519("ed25519", "BEGIN PRIVATE KEY", false),
    PKCS12("ec", null, true),
    JKS("ec", null, true);

    final String algorithm;
    final String marker;
    final boolean encrypted;

    Format(String algorithm, String marker, boolean encrypted) {
      this.algorithm = algorithm;
      this.marker = marker;
      this.encrypted = encrypted;
    }

    String name(String suffix) {
      return name().toLowerCase() + suffix;
    }
  }

  @BeforeAll
  static void makeKeysWithOpenSsl() throws Exception {
    OpenSsl.require();
    OpenSsl.makeCa(dir);
    for (Format format : Format.values()) {
      makeKey(dir, format);
    }
  }

  /** Writes FORMAT.key (or .p12/.jks) and FORMAT.pem (leaf + CA), all made by openssl/keytool. */
  static void makeKey(Path dir, Format format) throws Exception {
    String base = format.name("");
    String plain = base + ".plain.key";
    switch (format.algorithm) {
      case "ec":
        OpenSsl.run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", plain);
        break;
      case "rsa":
        OpenSsl.run(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", plain);
        break;
      default:
        OpenSsl.run(dir, "genpkey", "-algorithm", "ED25519", "-out", plain);
    }
    OpenSsl.signLeaf(dir, base, plain, "localhost", "serverAuth,clientAuth", null);
    String key = base + ".key";
    String pass = "pass:" + new String(PASSWORD);
    switch (format) {
      case PKCS8_EC:
      case ED25519:
        Files.copy(dir.resolve(plain), dir.resolve(key));
        break;
      case PKCS8_ENCRYPTED:
        OpenSsl.run(dir, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", plain, "-out", key, "-passout", pass);
        break;
      case PKCS1_RSA:
        OpenSsl.run(dir, "rsa", "-in", plain, "-out", key, "-traditional");
        break;
      case SEC1_EC:
        OpenSsl.run(dir, "ec", "-in", plain, "-out", key);
        break;
      case LEGACY_ENCRYPTED_RSA:
        OpenSsl.run(dir, "rsa", "-in", plain, "-out", key, "-traditional", "-aes256", "-passout", pass);
        break;
      case LEGACY_ENCRYPTED_EC:
        OpenSsl.run(dir, "ec", "-in", plain, "-out", key, "-aes256", "-passout", pass);
        break;
      case PKCS12:
        OpenSsl.run(dir, "pkcs12", "-export", "-in", base + ".pem", "-inkey", plain, "-out", base + ".p12", "-passout", pass, "-name", "server");
        break;
      case JKS:
        OpenSsl.run(dir, "pkcs12", "-export", "-in", base + ".pem", "-inkey", plain, "-out", base + ".tmp.p12", "-passout", pass, "-name", "server");
        keytool(dir, "-importkeystore", "-srckeystore", base + ".tmp.p12", "-srcstoretype", "PKCS12",
            "-srcstorepass", new String(PASSWORD), "-destkeystore", base + ".jks", "-deststoretype", "JKS",
            "-deststorepass", new String(PASSWORD), "-destkeypass", new String(PASSWORD), "-noprompt");
        break;
      default:
        throw new AssertionError(format);
    }
    if (format.marker != null) {
      assertTrue(Files.readString(dir.resolve(key)).contains(format.marker), format + " has " + format.marker);
    }
  }

  private static void keytool(Path dir, String... args) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(java.util.List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), output);
  }

  static KeyMaterial load(Path dir, Format format) throws Exception {
    String base = format.name("");
    switch (format) {
      case PKCS12:
        return KeyMaterial.fromPkcs12(dir.resolve(base + ".p12"), PASSWORD);
      case JKS:
        return KeyMaterial.fromJks(dir.resolve(base + ".jks"), PASSWORD);
      default:
        return KeyMaterial.fromPem(dir.resolve(base + ".pem"), dir.resolve(base + ".key"), format.encrypted ? PASSWORD : null);
    }
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void loadsEveryFormatOpenSslWrites(Format format) throws Exception {
    KeyMaterial material = load(dir, format);
    assertEquals("CN=localhost", material.certificate().getSubjectX500Principal().getName());
    assertEquals(2, material.certificateChain().size());
  }

  @ParameterizedTest
  @EnumSource(value = Format.class, names = {"PKCS8_ENCRYPTED", "LEGACY_ENCRYPTED_RSA", "LEGACY_ENCRYPTED_EC"})
  void wrongOrMissingPasswordIsNamed(Format format) throws Exception {
    String base = format.name("");
    KeyMaterialException wrong =
        assertThrows(KeyMaterialException.class,
            () -> KeyMaterial.fromPem(dir.resolve(base + ".pem"), dir.resolve(base + ".key"), "wrong".toCharArray()));
    assertEquals(Reason.WRONG_PASSWORD, wrong.reason(), wrong.getMessage());
    KeyMaterialException missing =
        assertThrows(KeyMaterialException.class, () -> KeyMaterial.fromPem(dir.resolve(base + ".pem"), dir.resolve(base + ".key")));
    assertEquals(Reason.PASSWORD_REQUIRED, missing.reason(), missing.getMessage());
  }

  @Test
  void wrongKeystorePasswordIsNamed() {
    KeyMaterialException e =
        assertThrows(KeyMaterialException.class, () -> KeyMaterial.fromPkcs12(dir.resolve("pkcs12.p12"), "nope".toCharArray()));
    assertEquals(Reason.WRONG_PASSWORD, e.reason(), e.getMessage());
    KeyMaterialException jks =
        assertThrows(KeyMaterialException.class, () -> KeyMaterial.fromJks(dir.resolve("jks.jks"), "nope".toCharArray()));
    assertEquals(Reason.WRONG_PASSWORD, jks.reason(), jks.getMessage());
  }

  @Test
  void keyThatDoesNotMatchTheCertificateIsNamed() {
    KeyMaterialException e =
        assertThrows(KeyMaterialException.class,
            () -> KeyMaterial.fromPem(dir.resolve("pkcs8_ec.pem"), dir.resolve("sec1_ec.key")));
    assertEquals(Reason.KEY_MISMATCH, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
  }

  @Test
  void unsupportedFormatIsNamed() throws Exception {
    OpenSsl.run(dir, "pkey", "-in", "pkcs8_ec.key", "-outform", "DER", "-out", "key.der");
    KeyMaterialException der =
        assertThrows(KeyMaterialException.class, () -> KeyMaterial.fromPem(dir.resolve("pkcs8_ec.pem"), dir.resolve("key.der")));
    assertTrue(der.reason() == Reason.UNSUPPORTED_FORMAT || der.reason() == Reason.MISSING, der.getMessage());
    OpenSsl.run(dir, "genpkey", "-algorithm", "X25519", "-out", "x25519.key");
    KeyMaterialException x25519 =
        assertThrows(KeyMaterialException.class, () -> KeyMaterial.fromPem(dir.resolve("pkcs8_ec.pem"), dir.resolve("x25519.key")));
    assertTrue(x25519.reason() == Reason.UNSUPPORTED_FORMAT || x25519.reason() == Reason.KEY_MISMATCH, x25519.getMessage());
    KeyMaterialException swapped =
        assertThrows(KeyMaterialException.class, () -> KeyMaterial.fromPem(dir.resolve("pkcs8_ec.key"), dir.resolve("pkcs8_ec.pem")));
    assertEquals(Reason.MISSING, swapped.reason(), swapped.getMessage());
  }

  @Test
  void expiredCertificateIsNamed(@TempDir Path tmp) throws Exception {
    TestPki.EXPIRED.writePem(tmp.resolve("chain.pem"), tmp.resolve("key.pem"));
    KeyMaterialException e =
        assertThrows(KeyMaterialException.class, () -> KeyMaterial.fromPem(tmp.resolve("chain.pem"), tmp.resolve("key.pem")));
    assertEquals(Reason.EXPIRED, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("expired"), e.getMessage());
  }

  @Test
  void trustMaterialLoadsEveryContainer() throws Exception {
    assertEquals(1, TrustMaterial.fromPem(dir.resolve("ca.pem")).certificates().size());
    assertTrue(TrustMaterial.fromPkcs12(dir.resolve("pkcs12.p12"), PASSWORD).certificates().size() >= 1);
    assertTrue(TrustMaterial.fromJks(dir.resolve("jks.jks"), PASSWORD).certificates().size() >= 1);
    assertTrue(TrustMaterial.system().certificates().isEmpty());
  }
}
