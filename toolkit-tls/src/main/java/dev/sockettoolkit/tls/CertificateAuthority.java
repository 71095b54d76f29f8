package dev.sockettoolkit.tls;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
import dev.sockettoolkit.tls.KeyMaterialException.Reason;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for development and tests: makes a self-signed CA certificate and
 * issues server and client certificates that OpenSSL, browsers' tooling and the JDK accept.
 *
 * <pre>{@code
 * CertificateAuthority ca = CertificateAuthority.create("Dev CA");
 * IssuedCertificate server = ca.issue().commonName("localhost").dns("localhost").ip("127.0.0.1").issue();
 * IssuedCertificate client = ca.issue().commonName("worker-7").client().issue();
 *
 * TlsConfig serverConfig = TlsConfig.server(server.keyMaterial())
 *     .clientAuth(ClientAuth.REQUIRED).trust(ca.trustMaterial()).build();
 * TlsConfig clientConfig = TlsConfig.client()
 *     .trust(ca.trustMaterial()).keyMaterial(client.keyMaterial()).build();
 *
 * ca.writePem(Path.of("ca.pem"), Path.of("ca-key.pem")); // and later CertificateAuthority.load(...)
 * }</pre>
 *
 * <p>Revocation: {@link #revoke(X509Certificate)} lists a certificate this CA issued, and {@link
 * #writeCrl(Path, Duration)} publishes the list as a signed X.509 v2 CRL for {@link
 * TlsConfig.Builder#crl(Path...)} to check:
 *
 * <pre>{@code
 * ca.revoke(client.certificate());
 * ca.writeCrl(Path.of("ca.crl.pem"), Duration.ofDays(7)); // nextUpdate in a week: publish again before
 * // later, in another process: CertificateAuthority.load(...) then readRevocations(Path.of("ca.crl.pem"))
 * }</pre>
 *
 * <p>The CA's certificate and key never change; its list of revocations does (thread-safe).
 *
 * <p>Not for production PKI: no name constraints, no OCSP responder and no audit trail.
 */
public final class CertificateAuthority {
  /** Default validity of a CA certificate: ten years. */
  public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);
  /** Default validity of an issued certificate: 397 days, the longest browsers accept. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(397);
  /** Default time from a CRL's thisUpdate to its nextUpdate: seven days. */
  public static final Duration DEFAULT_CRL_VALIDITY = Duration.ofDays(7);
  /** Certificates start one hour in the past, so a peer whose clock lags a little accepts them. */
  private static final Duration BACKDATE = Duration.ofHours(1);

  private final X509Certificate certificate;
  private final KeyPair keys;
  /** Revoked serial numbers and when; sorted, so CRLs list them in a stable order. */
  private final ConcurrentSkipListMap<BigInteger, Instant> revoked = new ConcurrentSkipListMap<>();
  private final AtomicLong lastCrlNumber = new AtomicLong();

  private CertificateAuthority(X509Certificate certificate, KeyPair keys) {
    this.certificate = certificate;
    this.keys = keys;
  }

  /** A new CA named {@code commonName} with an EC P-256 key, valid for ten years. */
  public static CertificateAuthority create(String commonName) {
    return builder(commonName).build();
  }

  /** A builder for a new CA named {@code commonName}, to choose key type and validity. */
  public static Builder builder(String commonName) {
    return new Builder(commonName);
  }

  /**
   * Loads a CA from PEM: its certificate and its (unencrypted, or see {@link #load(Path, Path,
   * char[])}) private key, as written by {@link #writePem}.
   */
  public static CertificateAuthority load(Path certificatePem, Path privateKeyPem)
      throws IOException {
    return load(certificatePem, privateKeyPem, null);
  }

  /** Loads a CA whose PEM private key is encrypted with {@code password}. */
  public static CertificateAuthority load(Path certificatePem, Path privateKeyPem, char[] password)
      throws IOException {
    X509Certificate certificate = Pem.readCertificates(certificatePem).get(0);
    PrivateKey key = Pem.readPrivateKey(privateKeyPem, password);
    if (!KeyMaterial.matches(key, certificate)) {
      throw new KeyMaterialException(
          Reason.KEY_MISMATCH,
          "the private key in " + privateKeyPem + " does not belong to the CA certificate in "
              + certificatePem);
    }
    if (certificate.getBasicConstraints() < 0) {
      throw new KeyMaterialException(
          Reason.UNSUPPORTED_FORMAT,
          "the certificate in " + certificatePem + " is not a CA certificate (no basicConstraints CA:TRUE)");
    }
    KeyMaterial.checkValidity(certificate, certificatePem.toString());
    return new CertificateAuthority(certificate, new KeyPair(certificate.getPublicKey(), key));
  }

  /** The CA's self-signed certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA's private key. */
  public PrivateKey privateKey() {
    return keys.getPrivate();
  }

  /** Trust in this CA alone, for clients (and for servers checking client certificates). */
  public TrustMaterial trustMaterial() {
    return TrustMaterial.of(certificate);
  }

  /** The CA's certificate as PEM text. */
  public String certificatePem() {
    return Pem.encode(List.of(certificate));
  }

  /**
   * Writes the CA certificate and its private key (unencrypted PKCS#8, owner-readable only where
   * the file system allows) as PEM.
   */
  public void writePem(Path certificateFile, Path privateKeyFile) throws IOException {
    Pem.write(certificateFile, certificatePem(), false);
    Pem.write(privateKeyFile, Pem.encode(List.of(keys.getPrivate())), true);
  }

  /** The SHA-256 fingerprint of the CA certificate, as OpenSSL prints it. */
  public String sha256Fingerprint() {
    return Certificates.sha256Fingerprint(certificate);
  }

  /**
   * Revokes {@code certificate}, which this CA must have issued: the next CRL lists it. Revoking
   * a certificate twice keeps the first revocation date.
   *
   * @throws IllegalArgumentException if this CA did not sign {@code certificate}
   */
  public void revoke(X509Certificate certificate) {
    Objects.requireNonNull(certificate, "certificate");
    checkArgument(
        certificate.getIssuerX500Principal().equals(this.certificate.getSubjectX500Principal())
            && signedByThisCa(certificate),
        "%s (serial %s) was not issued by this CA (%s)",
        certificate.getSubjectX500Principal(),
        RevocationLists.serial(certificate.getSerialNumber()),
        this.certificate.getSubjectX500Principal());
    revoke(certificate.getSerialNumber());
  }

  /** Revokes the certificate with {@code serialNumber}, as of now; see {@link #revoke(X509Certificate)}. */
  public void revoke(BigInteger serialNumber) {
    Objects.requireNonNull(serialNumber, "serialNumber");
    checkArgument(serialNumber.signum() > 0, "serial numbers are positive: %s", serialNumber);
    revoked.putIfAbsent(serialNumber, Instant.now());
  }

  /**
   * Adds the revocations listed in a CRL this CA signed, such as one written earlier by {@link
   * #writeCrl}; its dates may lie in the past (the CRL is only read, not trusted for currency).
   *
   * @throws KeyMaterialException if the file holds no CRL, or one this CA did not sign
   */
  public void readRevocations(Path crlFile) throws IOException {
    for (X509CRL crl : RevocationLists.read(crlFile)) {
      try {
        crl.verify(certificate.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new KeyMaterialException(
            Reason.KEY_MISMATCH, "the CRL in " + crlFile + " is not signed by this CA ("
                + certificate.getSubjectX500Principal() + ")", e);
      }
      Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
      if (entries != null) {
        for (X509CRLEntry entry : entries) {
          revoked.merge(entry.getSerialNumber(), entry.getRevocationDate().toInstant(),
              (a, b) -> a.isBefore(b) ? a : b);
        }
      }
      if (crl.getExtensionValue(Extension.cRLNumber.getId()) != null) {
        try {
          BigInteger number = CRLNumber.getInstance(
              JcaX509ExtensionUtils.parseExtensionValue(crl.getExtensionValue(Extension.cRLNumber.getId())))
              .getCRLNumber();
          lastCrlNumber.accumulateAndGet(number.longValue(), Math::max);
        } catch (IOException | RuntimeException e) {
          // A CRL number we cannot read: the next one is still larger than the clock's.
        }
      }
    }
  }

  /** The serial numbers this CA has revoked, ascending. */
  public List<BigInteger> revokedSerialNumbers() {
    return List.copyOf(revoked.keySet());
  }

  /**
   * A CRL (X.509 v2) signed by this CA listing every revoked certificate, valid from now until
   * now + {@code validity} (its nextUpdate), with a CRL number larger than any before it.
   */
  public X509CRL crl(Duration validity) {
    checkArgument(!validity.isNegative() && !validity.isZero(), "validity must be positive: %s", validity);
    Instant now = Instant.now();
    return crl(now, now.plus(validity));
  }

  /** A CRL valid from {@code thisUpdate} to {@code nextUpdate}, which may lie in the past: for tests. */
  X509CRL crl(Instant thisUpdate, Instant nextUpdate) {
    Instant now = Instant.now();
    long number = lastCrlNumber.accumulateAndGet(now.toEpochMilli(), (last, clock) -> Math.max(last + 1, clock));
    try {
      X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(certificate.getSubjectX500Principal(), Date.from(thisUpdate));
      builder.setNextUpdate(Date.from(nextUpdate));
      for (Map.Entry<BigInteger, Instant> entry : revoked.entrySet()) {
        builder.addCRLEntry(entry.getKey(), Date.from(entry.getValue()), CRLReason.unspecified);
      }
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(number)));
      PrivateKey key = keys.getPrivate();
      ContentSigner signer =
          new JcaContentSignerBuilder(KeyType.signatureAlgorithmFor(key.getAlgorithm())).build(key);
      return new JcaX509CRLConverter().getCRL(builder.build(signer));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot sign a CRL for " + certificate.getSubjectX500Principal() + ": " + e, e);
    }
  }

  /**
   * Writes {@link #crl(Duration)} as PEM ({@code -----BEGIN X509 CRL-----}) to {@code file},
   * replacing it atomically, so a {@link ReloadableTlsConfig} never reads half of it.
   */
  public void writeCrl(Path file, Duration validity) throws IOException {
    Pem.write(file, Pem.encode(List.of(crl(validity))), false);
  }

  private boolean signedByThisCa(X509Certificate issued) {
    try {
      issued.verify(certificate.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Starts a certificate this CA will sign; finish with {@link LeafBuilder#issue()}. */
  public LeafBuilder issue() {
    return new LeafBuilder();
  }

  @Override
  public String toString() {
    return "CertificateAuthority{" + certificate.getSubjectX500Principal() + "}";
  }

  /** Settings of a new CA. */
  public static final class Builder {
    private final String commonName;
    private KeyType keyType = KeyType.EC_P256;
    private Duration validity = DEFAULT_CA_VALIDITY;

    private Builder(String commonName) {
      Objects.requireNonNull(commonName, "commonName");
      checkArgument(!commonName.isBlank(), "commonName is blank");
      this.commonName = commonName;
    }

    /** The CA's key type; {@link KeyType#EC_P256} by default. */
    public Builder keyType(KeyType keyType) {
      this.keyType = Objects.requireNonNull(keyType, "keyType");
      return this;
    }

    /** How long the CA certificate is valid from now; ten years by default. */
    public Builder validity(Duration validity) {
      checkArgument(!validity.isNegative() && !validity.isZero(), "validity must be positive: %s", validity);
      this.validity = validity;
      return this;
    }

    /** Creates the CA: a fresh key pair and a self-signed certificate. */
    public CertificateAuthority build() {
      KeyPair keys = keyType.generate();
      Certificates.Request request = new Certificates.Request();
      request.commonName = commonName;
      request.subjectKey = keys.getPublic();
      Instant now = Instant.now();
      request.notBefore = now.minus(BACKDATE);
      request.notAfter = now.plus(validity);
      request.authority = true;
      return new CertificateAuthority(Certificates.sign(request, null, keys), keys);
    }
  }

  /**
   * Settings of a certificate to issue. With neither {@link #server()} nor {@link #client()} the
   * certificate may serve both purposes.
   */
  public final class LeafBuilder {
    private String commonName;
    private final List<String> dnsNames = new ArrayList<>();
    private final List<String> ipAddresses = new ArrayList<>();
    private boolean server;
    private boolean client;
    private KeyType keyType = KeyType.EC_P256;
    private Instant notBefore;
    private Instant notAfter;

    private LeafBuilder() {}

    /**
     * The subject's common name. Defaults to the first DNS name or IP address. Peers match host
     * names against the DNS and IP entries, not this.
     */
    public LeafBuilder commonName(String commonName) {
      Objects.requireNonNull(commonName, "commonName");
      checkArgument(!commonName.isBlank(), "commonName is blank");
      this.commonName = commonName;
      return this;
    }

    /** Adds DNS subject alternative names; {@code *.example.com} wildcards are allowed. */
    public LeafBuilder dns(String... names) {
      for (String name : names) {
        Objects.requireNonNull(name, "dns name");
        String bare = name.startsWith("*.") ? name.substring(2) : name;
        checkArgument(
            InternetDomainName.isValid(bare) && !InetAddresses.isInetAddress(bare),
            "not a DNS name: '%s' (use ip(...) for addresses)",
            name);
        dnsNames.add(name);
      }
      return this;
    }

    /** Adds IP address subject alternative names, IPv4 or IPv6 literals. */
    public LeafBuilder ip(String... addresses) {
      for (String address : addresses) {
        Objects.requireNonNull(address, "ip address");
        checkArgument(InetAddresses.isInetAddress(address), "not an IP address literal: '%s'", address);
        ipAddresses.add(InetAddresses.toAddrString(InetAddresses.forString(address)));
      }
      return this;
    }

    /** Marks the certificate for TLS servers (extended key usage serverAuth). */
    public LeafBuilder server() {
      this.server = true;
      return this;
    }

    /** Marks the certificate for TLS clients (extended key usage clientAuth), for mutual TLS. */
    public LeafBuilder client() {
      this.client = true;
      return this;
    }

    /** The key type; {@link KeyType#EC_P256} by default. */
    public LeafBuilder keyType(KeyType keyType) {
      this.keyType = Objects.requireNonNull(keyType, "keyType");
      return this;
    }

    /** Valid from now (less one hour for clock skew) for {@code validity}; 397 days by default. */
    public LeafBuilder validity(Duration validity) {
      checkArgument(!validity.isNegative() && !validity.isZero(), "validity must be positive: %s", validity);
      this.notBefore = null;
      this.notAfter = Instant.now().plus(validity);
      return this;
    }

    /** Valid from now for {@code days} days. */
    public LeafBuilder days(int days) {
      checkArgument(days > 0, "days must be positive: %s", days);
      return validity(Duration.ofDays(days));
    }

    /**
     * Valid exactly from {@code notBefore} to {@code notAfter}, which may lie in the past: for
     * tests of expired or not-yet-valid certificates.
     */
    public LeafBuilder validity(Instant notBefore, Instant notAfter) {
      checkArgument(notBefore.isBefore(notAfter), "notBefore %s is not before notAfter %s", notBefore, notAfter);
      this.notBefore = notBefore;
      this.notAfter = notAfter;
      return this;
    }

    /** Generates the key pair and signs the certificate. */
    public IssuedCertificate issue() {
      String name = commonName;
      if (name == null) {
        name = !dnsNames.isEmpty() ? dnsNames.get(0) : !ipAddresses.isEmpty() ? ipAddresses.get(0) : null;
      }
      checkState(name != null, "set a commonName, or at least one dns(...) or ip(...) name");
      KeyPair keys = keyType.generate();
      Certificates.Request request = new Certificates.Request();
      request.commonName = name;
      request.subjectKey = keys.getPublic();
      Instant now = Instant.now();
      request.notBefore = notBefore != null ? notBefore : now.minus(BACKDATE);
      request.notAfter = notAfter != null ? notAfter : now.plus(DEFAULT_VALIDITY);
      request.serverAuth = server || !client;
      request.clientAuth = client || !server;
      request.dnsNames = Collections.unmodifiableList(new ArrayList<>(dnsNames));
      request.ipAddresses = Collections.unmodifiableList(new ArrayList<>(ipAddresses));
      X509Certificate leaf = Certificates.sign(request, certificate, CertificateAuthority.this.keys);
      return new IssuedCertificate(keys.getPrivate(), List.of(leaf, certificate));
    }
  }
}
