package dev.sockettoolkit.reliability.soak;

import java.io.IOException;

/**
 * The soak protocol's own failure, documented in docs/RELIABILITY.md: a message failed its
 * checksum (corrupted in transit and caught), the stream ended cleanly before the goodbye (an
 * abrupt close that happened to fall between two frames), or the peer reported an error.
 */
final class SoakProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, for the summary. */
  enum Kind {
    CORRUPTED,
    ENDED_EARLY,
    PEER_ERROR,
    VIOLATION
  }

  private final Kind kind;

  private SoakProtocolException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  static SoakProtocolException corrupted(String message) {
    return new SoakProtocolException(Kind.CORRUPTED, message);
  }

  static SoakProtocolException endedEarly(String message) {
    return new SoakProtocolException(Kind.ENDED_EARLY, message);
  }

  static SoakProtocolException peerError(String message) {
    return new SoakProtocolException(Kind.PEER_ERROR, message);
  }

  /** A protocol violation that no network fault explains: always a test failure. */
  static SoakProtocolException violation(String message) {
    return new SoakProtocolException(Kind.VIOLATION, message);
  }

  Kind kind() {
    return kind;
  }
}
