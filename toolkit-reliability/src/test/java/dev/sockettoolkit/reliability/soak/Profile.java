package dev.sockettoolkit.reliability.soak;

import dev.sockettoolkit.testkit.Chunking;
import dev.sockettoolkit.testkit.Fault;
import dev.sockettoolkit.testkit.NetworkConditions;
import java.time.Duration;

/**
 * The network a soak lane's connections cross. Faults placed at a byte offset hit every
 * connection that gets that far, once per direction; {@link #CHAOS} places them at random, per
 * chunk, with a probability.
 */
enum Profile {
  /** Random chunking only: every connection must close gracefully. */
  CHUNKED(null),
  /** Latency with jitter, a bandwidth limit and random chunking: graceful, only slower. */
  SLOW(null),
  /** Delivery stops for 300 ms at some byte: graceful, only later. */
  STALL("stall"),
  /** The connection is reset at some byte. */
  RESET("reset"),
  /** The stream ends abruptly at some byte (a FIN in the middle of the conversation). */
  END_OF_STREAM("end of stream"),
  /** One byte is flipped at some offset: caught by the checksum, or by TLS. */
  CORRUPT("corrupt"),
  /** Resets, abrupt ends, corruption and stalls at random, with latency and chunking. */
  CHAOS("random"),
  /** A clean network, but the client aborts the connection mid-stream (an abrupt close). */
  CLIENT_ABORT(null);

  static final Duration STALL_TIME = Duration.ofMillis(300);

  /** The fault kind placed at an offset, or null. */
  final String fault;

  Profile(String fault) {
    this.fault = fault;
  }

  /** Whether connections on this profile are expected to close gracefully. */
  boolean expectsGraceful() {
    return this == CHUNKED || this == SLOW || this == STALL;
  }

  /** Conditions with this profile's fault at {@code offset} (ignored by profiles without one). */
  NetworkConditions conditions(long seed, long offset) {
    NetworkConditions.Builder b =
        NetworkConditions.builder().seed(seed).chunking(Chunking.random(1, 4096));
    switch (this) {
      case SLOW:
        b.latency(Duration.ofMillis(1), Duration.ofMillis(3)).bandwidth(2L * 1024 * 1024);
        break;
      case STALL:
        b.fault(Fault.stallAt(offset, STALL_TIME));
        break;
      case RESET:
        b.fault(Fault.resetAt(offset));
        break;
      case END_OF_STREAM:
        b.fault(Fault.endOfStreamAt(offset));
        break;
      case CORRUPT:
        b.fault(Fault.corruptAt(offset));
        break;
      case CHAOS:
        b.latency(Duration.ofMillis(1), Duration.ofMillis(2))
            .fault(Fault.reset().withProbability(0.003))
            .fault(Fault.endOfStream().withProbability(0.003))
            .fault(Fault.corrupt().withProbability(0.003))
            .fault(Fault.stall(Duration.ofMillis(50)).withProbability(0.01));
        break;
      default:
        break;
    }
    return b.build();
  }
}
