package dev.sockettoolkit.core;

import java.io.IOException;

/**
 * A connection was refused because of its PROXY protocol header: it came from a source that is
 * not a trusted proxy, or its header was missing, malformed, too long or late. {@link #rule()}
 * names the rule that was broken; the message says what arrived and what was expected.
 *
 * <pre>{@code
 * try {
 *   ProxyHeader header = ProxyHeader.parse(bytes, ProxyProtocol.ANY);
 * } catch (ProxyHeaderException e) {
 *   log.info("refused: " + e.rule() + ": " + e.getMessage());
 * }
 * }</pre>
 */
public class ProxyHeaderException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The rule a connection broke. */
  public enum Rule {
    /** The peer is not in the server's list of trusted proxies. */
    UNTRUSTED_SOURCE,
    /** The stream does not start with a PROXY header of an accepted version. */
    MISSING_HEADER,
    /** The v1 line is longer than 107 bytes. */
    V1_TOO_LONG,
    /** The v1 line does not follow the specification. */
    V1_MALFORMED,
    /** The v2 header declares more bytes than the bound {@value ProxyHeader#MAX_V2_LENGTH}. */
    V2_TOO_LONG,
    /** The v2 header (or one of its TLVs) does not follow the specification. */
    V2_MALFORMED,
    /** The stream ended inside the header. */
    TRUNCATED,
    /** The header did not arrive whole within the server's PROXY header timeout. */
    TIMEOUT
  }

  private final Rule rule;

  /** Creates the exception for {@code rule}, with a {@code message} saying what arrived. */
  public ProxyHeaderException(Rule rule, String message) {
    super(message);
    this.rule = rule;
  }

  /** The rule that was broken. */
  public Rule rule() {
    return rule;
  }
}
