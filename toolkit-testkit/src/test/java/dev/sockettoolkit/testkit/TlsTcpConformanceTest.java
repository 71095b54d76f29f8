package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import java.io.IOException;

/** Mutual TLS over real TCP on 127.0.0.1 keeps the two-way stream contract. */
class TlsTcpConformanceTest implements ConnectionConformance {
  @Override
  public ConnectionPair connectionPair(ConnectionOptions options) throws IOException {
    TestCertificates certs = TestCertificates.get();
    return certs.secure(Loopback.tcpPair(options), certs.mutualServerConfig(), certs.mutualClientConfig());
  }
}
