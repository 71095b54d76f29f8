package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import java.io.IOException;

/** TLS over an in-memory pair keeps the two-way stream contract. */
class TlsInMemoryConformanceTest implements ConnectionConformance {
  @Override
  public ConnectionPair connectionPair(ConnectionOptions options) throws IOException {
    return TestCertificates.get().secure(Loopback.pair(NetworkConditions.perfect(), options));
  }
}
