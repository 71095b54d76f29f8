package dev.sockettoolkit.framing;

import java.nio.ByteBuffer;

/**
 * Finds the next frame end among one or more delimiters, incrementally: the shared engine of the
 * delimiter and line decoders.
 *
 * <p>It examines candidate frame ends in order. {@link #scanned} counts the candidates (relative
 * to the buffer's position) already ruled out, so no candidate is examined twice; only the bytes
 * of a partly received delimiter are compared again, at most the longest delimiter's length. When
 * a delimiter is a prefix of another ({@code \r} and {@code \r\n}) the longest match wins, and the
 * scanner waits for the byte that decides (or the end of stream). The frame length is the
 * candidate's offset, so a partly received delimiter never counts against the limit, and the
 * outcome depends only on the bytes, never on how they were split into reads.
 */
final class DelimiterScanner {
  private final byte[][] delimiters;
  private final boolean[] firstBytes = new boolean[256];
  private final boolean[] forbidden;
  /** Finds the next byte that may start a delimiter or is forbidden: the only bytes to look at. */
  private final ByteScan stops;
  private final int maxLength;
  private final boolean discardTooLong;
  /** How to raise the limit, for error messages. */
  private final String setting;

  /** Candidates ruled out, relative to the buffer's position. */
  private int scanned;
  private boolean discarding;
  /** Stream offset of the buffer's position. */
  private long offset;

  /**
   * After {@link #find} at the end of stream found no frame: whether the remaining bytes end with
   * the start of a delimiter (a CR without its LF), so they are a frame cut off in its delimiter.
   */
  boolean cutByEnd;

  /** After a successful {@link #find}: the frame's content length and its delimiter's length. */
  int contentLength;
  int delimiterLength;

  /**
   * @param setting how to raise the limit, for error messages
   * @param forbidden bytes that are an error in a frame's content (a bare CR or LF in strict CRLF
   *     mode), or null
   */
  DelimiterScanner(
      byte[][] delimiters,
      boolean[] forbidden,
      int maxLength,
      boolean discardTooLong,
      String setting) {
    this.setting = setting;
    this.delimiters = delimiters;
    for (byte[] d : delimiters) {
      firstBytes[d[0] & 0xFF] = true;
    }
    this.forbidden = forbidden;
    boolean[] stopBytes = firstBytes.clone();
    if (forbidden != null) {
      for (int b = 0; b < 256; b++) {
        stopBytes[b] |= forbidden[b];
      }
    }
    this.stops = new ByteScan(stopBytes);
    this.maxLength = maxLength;
    this.discardTooLong = discardTooLong;
  }

  /** Stream offset of the buffer's position. */
  long offset() {
    return offset;
  }

  /** Consumes {@code n} bytes of the buffer (a frame found by {@link #find}). */
  void consume(ByteBuffer in, int n) {
    in.position(in.position() + n);
    offset += n;
    scanned -= n;
    if (scanned < 0) {
      scanned = 0;
    }
  }

  /**
   * Looks for the next frame end. Returns true with {@link #contentLength} and {@link
   * #delimiterLength} set (the frame is not consumed); false if more bytes are needed (at the end
   * of stream: no delimiter follows the remaining bytes). Bytes of discarded frames are consumed.
   */
  boolean find(ByteBuffer in, boolean endOfStream) throws FrameException {
    while (true) {
      int p = in.position();
      int available = in.remaining();
      int s = scanned;
      int match = 0;
      boolean waiting = false;
      /** Where the end of stream cut off what may have been a delimiter, or -1. */
      int cutAt = -1;
      while (s < available) {
        if (s > maxLength && !discarding && cutAt < 0) {
          scanned = s;
          tooLong(in);
        }
        // Skip to the next byte that needs a look, stopping at the limit to report it there.
        int end = available;
        if (!discarding && cutAt < 0 && maxLength < available) {
          end = maxLength + 1;
        }
        int next = stops.indexIn(in, p + s, p + end) - p;
        s = next;
        if (s == end) {
          continue;
        }
        byte b = in.get(p + s);
        if (firstBytes[b & 0xFF]) {
          for (byte[] d : delimiters) {
            if (d[0] != b) {
              continue;
            }
            int n = Math.min(d.length, available - s);
            int i = 1;
            while (i < n && in.get(p + s + i) == d[i]) {
              i++;
            }
            if (i == n) {
              if (n == d.length) {
                match = Math.max(match, n);
              } else if (!endOfStream) {
                waiting = true; // a longer delimiter may still match
              } else if (cutAt < 0) {
                cutAt = s; // the stream ended inside what may have been a delimiter
              }
            }
          }
          if (waiting || match > 0) {
            break;
          }
        }
        // A CR whose LF was cut off by the end of stream is a truncation, not a bare CR.
        if (forbidden != null && forbidden[b & 0xFF] && !discarding && cutAt < 0) {
          throw new MalformedFrameException(
              "bare " + (b == '\r' ? "CR" : "LF") + " in strict CRLF mode", offset + s);
        }
        s++;
      }
      cutByEnd = cutAt >= 0 && match == 0;
      if (s > maxLength && !discarding && (cutAt < 0 || match > 0)) {
        // Every candidate up to the limit was ruled out: the content is too long, whatever follows.
        scanned = s;
        tooLong(in);
      }
      if (discarding) {
        // Keep only bytes that may start a delimiter; everything before is dropped.
        if (match > 0 && !waiting) {
          scanned = 0;
          consumeRaw(in, s + match);
          discarding = false;
          continue;
        }
        consumeRaw(in, s);
        scanned = 0;
        return false;
      }
      scanned = s;
      if (match > 0 && !waiting) {
        contentLength = s;
        delimiterLength = match;
        return true;
      }
      return false;
    }
  }

  private void consumeRaw(ByteBuffer in, int n) {
    in.position(in.position() + n);
    offset += n;
  }

  private void tooLong(ByteBuffer in) throws FrameTooLongException {
    if (discardTooLong) {
      discarding = true;
      consumeRaw(in, scanned);
      scanned = 0;
      throw new FrameTooLongException(-1, maxLength, true, setting);
    }
    throw new FrameTooLongException(-1, maxLength, false, setting);
  }
}
