package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;

/** An in-memory pair cut into random small chunks, with latency, still keeps the contract. */
class HostileLoopbackConformanceTest implements ConnectionConformance {
  @Override
  public ConnectionPair connectionPair(ConnectionOptions options) {
    NetworkConditions conditions =
        NetworkConditions.builder()
            .seed(20261125L)
            .chunking(Chunking.random(1, 4096))
            .latency(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1))
            .bufferSize(16 * 1024)
            .build();
    return Loopback.pair(conditions, options);
  }

  @Override
  public long bulkTransferSize() {
    return 2L * 1024 * 1024;
  }
}
