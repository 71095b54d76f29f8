package dev.sockettoolkit.bench;

import org.HdrHistogram.Histogram;

/** The client half of the echo protocol, driving load against an {@link EchoServer} on 127.0.0.1. */
interface EchoClient extends AutoCloseable {
  /**
   * Opens {@code connections} connections and keeps {@code window} frames of {@code size} payload
   * bytes in flight on each until the returned load is closed.
   */
  Load startLoad(int port, int connections, int size, int window) throws Exception;

  /**
   * On one connection, sends a frame and waits for its echo, over and over: for {@code warmupNanos}
   * unrecorded, then for {@code measureNanos} (or {@code maxSamples} round trips) recorded.
   *
   * @return the recorded round-trip times in nanoseconds (see {@link RoundTrips#histogram()})
   */
  Histogram roundTrips(int port, int size, long warmupNanos, long measureNanos, int maxSamples)
      throws Exception;

  /** The TLS protocol and cipher suite of its last connection ({@code TLSv1.3/TLS_AES_...}), or null. */
  default String negotiated() {
    return null;
  }

  /** Releases what the client holds between loads (event loops). */
  @Override
  void close() throws java.io.IOException;

  /** Pipelined traffic in progress. */
  interface Load extends AutoCloseable {
    /** Echoed frames received so far, over all connections. */
    long received();

    /** Stops sending, waits (bounded) for the frames in flight, closes the connections. */
    @Override
    void close() throws java.io.IOException;
  }
}
