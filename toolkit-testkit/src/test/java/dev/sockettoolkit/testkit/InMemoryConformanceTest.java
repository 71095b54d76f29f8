package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;

/** Core's in-memory pair keeps the connection contract. */
class InMemoryConformanceTest implements ConnectionConformance {
  @Override
  public ConnectionPair connectionPair(ConnectionOptions options) {
    return ConnectionPair.inMemory(16 * 1024, options);
  }
}
