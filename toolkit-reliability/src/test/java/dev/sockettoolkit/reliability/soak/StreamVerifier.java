package dev.sockettoolkit.reliability.soak;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Checks one direction of one connection, message by message: the checksum (in {@link
 * SoakMessage#decode}), the connection id, the sequence numbers and the exact body. Counts what
 * it sees rather than trusting the transport: a gap is lost messages, a number seen twice a
 * duplicate, a number below the highest seen and not seen before a reordering, and a message whose
 * checksum holds but whose body differs is wrong data.
 */
final class StreamVerifier {
  private final SoakMessage.Type dataType;
  private final SoakStats stats;
  private long connection;
  private final BitSet seen = new BitSet();
  private long highest = -1;

  long delivered;
  long duplicated;
  long reordered;
  long wrongData;

  /**
   * @param dataType the type of the numbered messages of this direction (DATA or ECHO)
   * @param connection the connection id, or -1 to learn it from the first message
   */
  StreamVerifier(SoakMessage.Type dataType, long connection, SoakStats stats) {
    this.dataType = dataType;
    this.connection = connection;
    this.stats = stats;
  }

  /** Checks and counts one received frame. */
  SoakMessage accept(ByteBuffer frame) throws SoakProtocolException {
    SoakMessage m;
    try {
      m = SoakMessage.decode(frame);
    } catch (SoakProtocolException e) {
      stats.corruptionsCaughtByChecksum.increment();
      throw e;
    }
    // An error may come before the peer learned the connection id (its first frame was corrupted).
    if (m.type() == SoakMessage.Type.ERROR) {
      throw SoakProtocolException.peerError(
          "the peer rejected the stream: " + new String(m.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
    if (connection < 0) {
      connection = m.connection();
    } else if (m.connection() != connection) {
      wrongData++;
      stats.wrongData.increment();
      throw SoakProtocolException.violation(
          "a message of connection " + m.connection() + " arrived on connection " + connection);
    }
    if (m.type() != dataType) {
      return m;
    }
    if (m.seq() < 0 || m.seq() > Integer.MAX_VALUE) {
      wrongData++;
      stats.wrongData.increment();
      throw SoakProtocolException.violation("sequence number " + m.seq() + " passed the checksum");
    }
    int seq = (int) m.seq();
    if (seen.get(seq)) {
      duplicated++;
      stats.duplicated.increment();
      return m;
    }
    if (!Arrays.equals(m.body(), SoakMessage.body(connection, seq))) {
      wrongData++;
      stats.wrongData.increment();
      throw SoakProtocolException.violation(
          "message " + seq + " of connection " + connection + " passed the checksum with the wrong body");
    }
    if (seq < highest) {
      reordered++;
      stats.reordered.increment();
    }
    seen.set(seq);
    highest = Math.max(highest, seq);
    delivered++;
    return m;
  }

  /** Messages below the highest number received that never arrived. */
  long gaps() {
    return highest + 1 - seen.cardinality();
  }

  /** Whether every message so far arrived once, in order, intact, with none missing. */
  boolean clean() {
    return duplicated == 0 && reordered == 0 && wrongData == 0 && gaps() == 0;
  }

  long connection() {
    return connection;
  }

  @Override
  public String toString() {
    return "delivered " + delivered + ", duplicated " + duplicated + ", reordered " + reordered
        + ", missing " + gaps() + ", wrong " + wrongData;
  }
}
