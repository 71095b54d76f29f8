package dev.sockettoolkit.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
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
    String wanted = keyType.contains("_") ? keyType.substring(0, keyType.indexOf('_')) : keyType;
    String actual = material.privateKey().getAlgorithm();
    if (wanted.equalsIgnoreCase(actual)) {
      return true;
    }
    boolean wantedEdDsa = wanted.equalsIgnoreCase("EdDSA") || wanted.equalsIgnoreCase("Ed25519");
    boolean actualEdDsa = actual.equalsIgnoreCase("EdDSA") || actual.equalsIgnoreCase("Ed25519");
    return wantedEdDsa && actualEdDsa;
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
