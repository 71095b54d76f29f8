package dev.sockettoolkit.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code openssl} command as a test peer. Tests that need it call {@link #require()}: when
 * it is missing they are reported as skipped with the reason, and a loud line goes to stderr.
 */
final class OpenSsl {
  private OpenSsl() {}

  /** Skips the calling test, loudly, when openssl is not installed. */
  static String require() {
    return Peers.require("openssl", "apt-get install openssl");
  }

  /** Runs openssl with {@code args} in {@code dir}; returns stdout+stderr; fails on a non-zero exit. */
  static String run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(require());
    command.addAll(Arrays.asList(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("openssl " + String.join(" ", args) + " timed out");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " exited " + process.exitValue() + ":\n" + text);
    }
    return text;
  }

  /** Starts openssl with {@code args} in {@code dir}, stderr merged into stdout. */
  static Process start(Path dir, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(require());
    command.addAll(Arrays.asList(args));
    return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
  }

  /**
   * Makes a CA and a server certificate with openssl itself in {@code dir}: ca.pem/ca.key and
   * for each name in {@code leaves} NAME.pem (leaf, CA chain) and NAME.key, with {@code keyArgs}
   * choosing the key algorithm of the leaves.
   */
  static void makeCa(Path dir) throws Exception {
    run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=OpenSSL Test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  }

  /** Signs {@code name}.key's public key as a leaf for {@code dns} (and 127.0.0.1) into {@code name}.pem (leaf + CA). */
  static void signLeaf(Path dir, String name, String keyFile, String dns, String extendedUsage, String passin)
      throws Exception {
    List<String> req = new ArrayList<>(List.of("req", "-new", "-key", keyFile, "-out", name + ".csr", "-subj", "/CN=" + dns));
    if (passin != null) {
      req.add("-passin");
      req.add("pass:" + passin);
    }
    run(dir, req.toArray(new String[0]));
    Files.writeString(
        dir.resolve(name + ".ext"),
        "subjectAltName=DNS:" + dns + ",IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n"
            + "extendedKeyUsage=" + extendedUsage + "\n");
    run(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".leaf.pem", "-days", "30", "-extfile", name + ".ext");
    Files.writeString(
        dir.resolve(name + ".pem"),
        Files.readString(dir.resolve(name + ".leaf.pem")) + Files.readString(dir.resolve("ca.pem")));
  }
}
