package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Core's Unix-domain transport keeps the connection contract (an abort there is a plain end of stream). */
class UnixConformanceTest implements ConnectionConformance {
  @TempDir Path directory;

  @Override
  public ConnectionPair connectionPair(ConnectionOptions options) throws IOException {
    return Loopback.unixPair(directory, options);
  }

  @Override
  public boolean abortResetsPeer() {
    return false;
  }
}
