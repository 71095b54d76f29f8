package dev.sockettoolkit.cli;

import dev.sockettoolkit.tls.CertificateAuthority;
import dev.sockettoolkit.tls.IssuedCertificate;
import dev.sockettoolkit.tls.KeyType;
import dev.sockettoolkit.tls.TrustMaterial;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code toolkit cert ca|issue|revoke|crl}: a development CA, the certificates it issues and
 * revokes, and its certificate revocation list, as PEM files.
 */
@Command(
    name = "cert",
    mixinStandardHelpOptions = true,
    description = "Make a development CA, certificates it issues, and revoke them (PEM files OpenSSL and GnuTLS accept).",
    subcommands = {CertCommand.Ca.class, CertCommand.Issue.class, CertCommand.Revoke.class, CertCommand.Crl.class})
final class CertCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "choose a subcommand: ca, issue, revoke or crl");
  }

  /** Key types as the command line spells them. */
  enum KeyTypeOption {
    ec(KeyType.EC_P256),
    rsa(KeyType.RSA_2048),
    rsa3072(KeyType.RSA_3072),
    ed25519(KeyType.ED25519);

    final KeyType type;

    KeyTypeOption(KeyType type) {
      this.type = type;
    }
  }

  @Command(
      name = "ca",
      mixinStandardHelpOptions = true,
      description = "Create a CA: writes DIR/ca.pem and DIR/ca-key.pem (PKCS#8, owner-only).")
  static final class Ca implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write to (created if missing) (required, no default).")
    Path out;

    @Option(names = "--name", paramLabel = "CN", defaultValue = "Socket Toolkit Development CA", description = "The CA's common name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--days", paramLabel = "N", defaultValue = "3650", description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec", description = "ec (P-256), rsa (2048), rsa3072 or ed25519 (default: ${DEFAULT-VALUE}).")
    KeyTypeOption keyType;

    @Mixin VerboseOption verbosity;

    @Override
    public Integer call() throws IOException {
      requirePositive(days, "--days");
      Files.createDirectories(out);
      Path cert = out.resolve("ca.pem");
      Path key = out.resolve("ca-key.pem");
      noteReplaced(spec, cert, key);
      CertificateAuthority ca =
          CertificateAuthority.builder(name)
              .keyType(keyType.type)
              .validity(Duration.ofDays(days))
              .build();
      ca.writePem(cert, key);
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.println("wrote " + cert + " and " + key);
      stdout.println("CA " + ca.certificate().getSubjectX500Principal().getName()
          + ", valid until " + ca.certificate().getNotAfter().toInstant()
          + ", sha256 " + ca.sha256Fingerprint());
      stdout.flush();
      return 0;
    }
  }

  @Command(
      name = "issue",
      mixinStandardHelpOptions = true,
      description = {
        "Issue a certificate from a CA made by 'cert ca': writes DIR/cert.pem (leaf then CA) and"
            + " DIR/key.pem (PKCS#8, owner-only).",
        "Without --dns or --ip, a server certificate is for localhost, 127.0.0.1 and ::1."
      })
  static final class Issue implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "Directory holding ca.pem and ca-key.pem (required, no default).")
    Path caDir;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write to (created if missing) (required, no default).")
    Path out;

    @Option(names = "--dns", paramLabel = "NAME", description = "A DNS name the certificate is for (repeatable) (default: none).")
    List<String> dns = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "ADDR", description = "An IP address the certificate is for (repeatable) (default: none).")
    List<String> ips = new ArrayList<>();

    @Option(names = "--name", paramLabel = "CN", description = "Common name (default: the first DNS name or address).")
    String name;

    @Option(names = "--client", description = "A client certificate (for mutual TLS) instead of a server certificate (default: off).")
    boolean client;

    @Option(names = "--days", paramLabel = "N", defaultValue = "397", description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec", description = "ec (P-256), rsa (2048), rsa3072 or ed25519 (default: ${DEFAULT-VALUE}).")
    KeyTypeOption keyType;

    @Mixin VerboseOption verbosity;

    @Override
    public Integer call() throws IOException {
      requirePositive(days, "--days");
      CertificateAuthority ca = loadCa(caDir);
      CertificateAuthority.LeafBuilder leaf = ca.issue().keyType(keyType.type).days(days);
      if (dns.isEmpty() && ips.isEmpty()) {
        if (name == null) {
          leaf.dns("localhost").ip("127.0.0.1", "::1");
        }
      } else {
        leaf.dns(dns.toArray(String[]::new)).ip(ips.toArray(String[]::new));
      }
      if (name != null) {
        leaf.commonName(name);
      }
      if (client) {
        leaf.client();
      } else {
        leaf.server();
      }
      IssuedCertificate issued = leaf.issue();
      Files.createDirectories(out);
      Path cert = out.resolve("cert.pem");
      Path key = out.resolve("key.pem");
      noteReplaced(spec, cert, key);
      issued.writePem(cert, key);
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.println("wrote " + cert + " and " + key);
      stdout.println((client ? "client" : "server") + " certificate "
          + issued.certificate().getSubjectX500Principal().getName()
          + ", valid until " + issued.certificate().getNotAfter().toInstant()
          + ", sha256 " + issued.sha256Fingerprint());
      stdout.flush();
      return 0;
    }
  }

  /** DIR/ca.pem and DIR/ca-key.pem as a CA, with the revocations of DIR/crl.pem if there is one. */
  static CertificateAuthority loadCa(Path caDir) throws IOException {
    Path caCert = caDir.resolve("ca.pem");
    Path caKey = caDir.resolve("ca-key.pem");
    if (!Files.exists(caCert) || !Files.exists(caKey)) {
      throw new UsageException(
          caDir + " has no ca.pem and ca-key.pem; create them with 'toolkit cert ca --out " + caDir + "'");
    }
    CertificateAuthority ca = CertificateAuthority.load(caCert, caKey);
    Path crl = caDir.resolve(CA_CRL);
    if (Files.exists(crl)) {
      ca.readRevocations(crl);
    }
    return ca;
  }

  /** The CA's own record of what it revoked: its latest CRL, in its directory. */
  static final String CA_CRL = "crl.pem";

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "Revoke a certificate the CA issued: adds it to DIR/crl.pem, the CA's revocation list,"
            + " and rewrites that file (valid for --days).",
        "Servers and clients refuse it once they load the list: toolkit serve/connect --crl FILE."
      })
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "Directory holding ca.pem and ca-key.pem (required, no default).")
    Path caDir;

    @Option(names = "--cert", required = true, paramLabel = "PEM", description = "The certificate to revoke (the first in the file, e.g. a cert.pem from 'cert issue') (required, no default).")
    Path cert;

    @Option(names = "--days", paramLabel = "N", defaultValue = "7", description = "Days until the rewritten CRL's nextUpdate: publish a fresh one before (default: ${DEFAULT-VALUE}).")
    int days;

    @Mixin VerboseOption verbosity;

    @Override
    public Integer call() throws IOException {
      requirePositive(days, "--days");
      CertificateAuthority ca = loadCa(caDir);
      X509Certificate certificate = TrustMaterial.fromPem(cert).certificates().get(0);
      try {
        ca.revoke(certificate);
      } catch (IllegalArgumentException e) {
        throw new UsageException(cert + ": " + e.getMessage());
      }
      Path crl = caDir.resolve(CA_CRL);
      ca.writeCrl(crl, Duration.ofDays(days));
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.println("revoked " + certificate.getSubjectX500Principal().getName() + ", serial "
          + serial(certificate.getSerialNumber()));
      stdout.println("wrote " + crl + " (" + ca.revokedSerialNumbers().size()
          + " revoked certificate(s), next update in " + days + " day(s)); copy it to where servers and clients load it with --crl");
      stdout.flush();
      return 0;
    }
  }

  @Command(
      name = "crl",
      mixinStandardHelpOptions = true,
      description = {
        "Write the CA's certificate revocation list (PEM, X.509 v2) to FILE, freshly signed and valid"
            + " for --days, listing what 'cert revoke' revoked.",
        "Run it again before the list's nextUpdate: servers and clients refuse peers once their CRL is out of date."
      })
  static final class Crl implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "Directory holding ca.pem and ca-key.pem (required, no default).")
    Path caDir;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The CRL file to write, replaced atomically (required, no default).")
    Path out;

    @Option(names = "--days", paramLabel = "N", defaultValue = "7", description = "Days until the CRL's nextUpdate (default: ${DEFAULT-VALUE}).")
    int days;

    @Mixin VerboseOption verbosity;

    @Override
    public Integer call() throws IOException {
      requirePositive(days, "--days");
      CertificateAuthority ca = loadCa(caDir);
      X509CRL crl = ca.crl(Duration.ofDays(days));
      ca.writeCrl(out, Duration.ofDays(days));
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.println("wrote " + out + ": " + ca.revokedSerialNumbers().size() + " revoked certificate(s), next update "
          + crl.getNextUpdate().toInstant());
      stdout.flush();
      return 0;
    }
  }

  static String serial(BigInteger serial) {
    String hex = serial.toString(16).toUpperCase(Locale.ROOT);
    return (hex.length() & 1) == 1 ? "0" + hex : hex;
  }

  static void requirePositive(int value, String option) {
    if (value <= 0) {
      throw new UsageException(option + " must be positive, got " + value);
    }
  }

  /** Files are replaced, as openssl does; a note on stderr says so, so nothing vanishes silently. */
  private static void noteReplaced(CommandSpec spec, Path... files) {
    for (Path f : files) {
      if (Files.exists(f)) {
        spec.commandLine().getErr().println("cert: replacing " + f);
      }
    }
    spec.commandLine().getErr().flush();
  }
}
