package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import java.io.IOException;

/** Core's TCP transport, over 127.0.0.1, keeps the connection contract. */
class TcpConformanceTest implements ConnectionConformance {
  @Override
  public ConnectionPair connectionPair(ConnectionOptions options) throws IOException {
    return Loopback.tcpPair(options);
  }
}
