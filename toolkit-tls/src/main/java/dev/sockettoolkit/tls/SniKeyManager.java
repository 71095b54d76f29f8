package dev.sockettoolkit.tls;

import java.net.Socket;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents key material chosen by the SNI name the client asked for ({@code *.example.com}
 * entries match one label), falling back to the default. Key types are respected, so an EC
 * certificate is never offered for an RSA signature scheme.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
  static final String DEFAULT_ALIAS = "default";
  private static final String SNI_PREFIX = "sni:";

  private final KeyMaterial defaultMaterial;
  private final Map<String, KeyMaterial> byName;

  /** {@code defaultMaterial} may be null for a client without a certificate. */
  SniKeyManager(KeyMaterial defaultMaterial, Map<String, KeyMaterial> byName) {
    this.defaultMaterial = defaultMaterial;
    Map<String, KeyMaterial> lower = new LinkedHashMap<>();
    byName.forEach((name, material) -> lower.put(name.toLowerCase(Locale.ROOT), material));
    this.byName = lower;
  }

  private KeyMaterial material(String alias) {
    if (alias == null) {
      return null;
    }
    if (alias.equals(DEFAULT_ALIAS)) {
      return defaultMaterial;
    }
    if (alias.startsWith(SNI_PREFIX)) {
      return byName.get(alias.substring(SNI_PREFIX.length()));
    }
    return null;
  }

  private static boolean fits(KeyMaterial material, String keyType) {
    if (material == null || keyType == null) {
      return false;
    }
    int slash = keyType.indexOf('/');
    String algorithm = slash < 0 ? keyType : keyType.substring(0, slash);
    if (!keyAlgorithm(algorithm).equals(keyAlgorithm(material.privateKey().getAlgorithm()))) {
      return false;
    }
    // Bouncy Castle JSSE asks for "EC/secp384r1": a key on that curve, not merely an EC key.
    return slash < 0 || onCurve(material.privateKey(), keyType.substring(slash + 1));
  }

  private static boolean onCurve(PrivateKey key, String curve) {
    if (!(key instanceof ECKey ecKey)) {
      return false;
    }
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(curve));
      ECParameterSpec wanted = parameters.getParameterSpec(ECParameterSpec.class);
      ECParameterSpec actual = ecKey.getParams();
      return wanted.getCurve().equals(actual.getCurve())
          && wanted.getGenerator().equals(actual.getGenerator())
          && wanted.getOrder().equals(actual.getOrder());
    } catch (GeneralSecurityException e) {
      return false; // a curve this JVM does not know cannot be the key's
    }
  }

  /**
   * The key algorithm a key type asks for. Providers name key types differently: SunJSSE asks
   * for {@code EC}, {@code RSA}, {@code EdDSA}; Bouncy Castle JSSE for the TLS 1.2 key exchange
   * ({@code ECDHE_ECDSA}, {@code ECDHE_RSA}) or the signature algorithm ({@code Ed25519}); and
   * keys name themselves {@code EC} or {@code ECDSA}, {@code EdDSA} or {@code Ed25519}.
   */
  static String keyAlgorithm(String keyType) {
    String type = keyType.toUpperCase(Locale.ROOT);
    if (type.startsWith("ED25519") || type.startsWith("EDDSA")) {
      return "EDDSA";
    }
    if (type.equals("RSASSA-PSS")) {
      return type;
    }
    if (type.contains("ECDSA")) {
      return "EC";
    }
    if (type.startsWith("RSA") || type.endsWith("_RSA")) {
      return "RSA";
    }
    int underscore = type.indexOf('_');
    return underscore > 0 ? type.substring(0, underscore) : type;
  }

  private String serverAlias(String keyType, SSLSession handshakeSession) {
    String requested = requestedHostName(handshakeSession);
    if (requested != null) {
      String alias = aliasFor(requested);
      if (alias != null && fits(material(alias), keyType)) {
        return alias;
      }
      if (alias != null && !fits(material(alias), keyType)) {
        return null;
      }
    }
    return fits(defaultMaterial, keyType) ? DEFAULT_ALIAS : null;
  }

  private String aliasFor(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (byName.containsKey(name)) {
      return SNI_PREFIX + name;
    }
    int dot = name.indexOf('.');
    if (dot > 0) {
      String wildcard = "*" + name.substring(dot);
      if (byName.containsKey(wildcard)) {
        return SNI_PREFIX + wildcard;
      }
    }
    return null;
  }

  static String requestedHostName(SSLSession session) {
    if (!(session instanceof ExtendedSSLSession)) {
      return null;
    }
    for (SNIServerName name : ((ExtendedSSLSession) session).getRequestedServerNames()) {
      if (name.getType() == StandardConstants.SNI_HOST_NAME) {
        return ((SNIHostName) name).getAsciiName();
      }
    }
    return null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return serverAlias(keyType, engine == null ? null : engine.getHandshakeSession());
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return fits(defaultMaterial, keyType) ? DEFAULT_ALIAS : null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return chooseClientAlias(keyTypes, issuers, null);
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    if (defaultMaterial == null || keyTypes == null) {
      return null;
    }
    for (String keyType : keyTypes) {
      if (fits(defaultMaterial, keyType)) {
        return DEFAULT_ALIAS;
      }
    }
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return fits(defaultMaterial, keyType) ? new String[] {DEFAULT_ALIAS} : null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    List<String> aliases = new ArrayList<>();
    if (fits(defaultMaterial, keyType)) {
      aliases.add(DEFAULT_ALIAS);
    }
    byName.forEach(
        (name, material) -> {
          if (fits(material, keyType)) {
            aliases.add(SNI_PREFIX + name);
          }
        });
    return aliases.isEmpty() ? null : aliases.toArray(new String[0]);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    KeyMaterial material = material(alias);
    return material == null ? null : material.certificateChain().toArray(new X509Certificate[0]);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    KeyMaterial material = material(alias);
    return material == null ? null : material.privateKey();
  }
}
