package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.tls.TlsConfig;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/** TLS on the conscrypt provider, both ends, keeps the two-way stream contract over an in-memory pair. */
class TlsConscryptConformanceTest implements ConnectionConformance {
  @BeforeAll
  static void providerLoads() {
    TlsProviderAssumptions.assumeLoads("conscrypt");
  }

  /** This engine answers a close_notify by closing both directions, even under TLS 1.3. */
  @Override
  public boolean supportsHalfClose() {
    return false;
  }

  @Override
  public ConnectionPair connectionPair(ConnectionOptions options) throws IOException {
    TestCertificates certificates = TestCertificates.get();
    return certificates.secure(
        Loopback.pair(NetworkConditions.perfect(), options),
        TlsConfig.server(certificates.server().keyMaterial()).provider("conscrypt").build(),
        TlsConfig.client().trust(certificates.ca().trustMaterial()).provider("conscrypt").build());
  }
}
