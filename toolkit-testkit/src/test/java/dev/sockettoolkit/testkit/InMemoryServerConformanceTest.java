package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import java.io.IOException;

/** A Server bound to an InMemoryAddress, and a client connected to it, keep the connection contract. */
class InMemoryServerConformanceTest implements ConnectionConformance {
  @Override
  public ConnectionPair connectionPair(ConnectionOptions options) throws IOException {
    return Loopback.inMemoryServerPair(options);
  }
}
