package dev.sockettoolkit.testkit;

import dev.sockettoolkit.tls.TlsConfig;
import org.junit.jupiter.api.Assumptions;

/** Skips, loudly, the tests of a provider whose native library does not exist on this platform. */
final class TlsProviderAssumptions {
  private TlsProviderAssumptions() {}

  static void assumeLoads(String provider) {
    try {
      TlsConfig.client().provider(provider);
    } catch (IllegalStateException e) {
      if (e.getMessage().contains("cannot be loaded on this platform")) {
        System.err.println("SKIPPED (loudly): the " + provider + " TLS tests: " + e.getMessage());
        Assumptions.abort(e.getMessage());
      }
      throw e;
    }
  }
}
