package dev.sockettoolkit.bench;

/** The server half of the echo protocol: every 4-byte length-prefixed frame is sent back as it came. */
interface EchoServer extends AutoCloseable {
  /** The loopback port it listens on. */
  int port();

  /** Connections open right now. */
  int connections();

  @Override
  void close() throws java.io.IOException;
}
