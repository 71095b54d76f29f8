package dev.sockettoolkit.testkit;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;
import java.util.Objects;

/**
 * Something that goes wrong on the way: at a chosen byte offset of a direction, or with a
 * probability per chunk.
 *
 * <pre>{@code
 * NetworkConditions conditions = NetworkConditions.builder()
 *     .fault(Fault.resetAt(10_000))             // the 10,000th byte never arrives: reset
 *     .fault(Fault.corrupt().withProbability(0.001))
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li>{@link #reset()}: the connection is aborted; the peer sees a reset.
 *   <li>{@link #endOfStream()}: the stream ends abruptly (the peer reads end of stream, mid-message).
 *   <li>{@link #stall(Duration)}: delivery stops for a while.
 *   <li>{@link #corrupt()}: one byte is changed.
 * </ul>
 */
public final class Fault {
  /** What the fault does. */
  public enum Kind {
    /** Abort the connection: the peer sees a reset. */
    RESET,
    /** End the stream early: the peer reads end of stream. */
    END_OF_STREAM,
    /** Deliver nothing for a while. */
    STALL,
    /** Change one byte. */
    CORRUPT
  }

  private final Kind kind;
  private final Duration stall;
  private final long offset;
  private final double probability;

  private Fault(Kind kind, Duration stall, long offset, double probability) {
    this.kind = kind;
    this.stall = stall;
    this.offset = offset;
    this.probability = probability;
  }

  /** A reset, to be placed with {@link #at(long)} or {@link #withProbability(double)}. */
  public static Fault reset() {
    return new Fault(Kind.RESET, Duration.ZERO, -1, 0);
  }

  /** An abrupt end of stream, to be placed with {@link #at(long)} or {@link #withProbability(double)}. */
  public static Fault endOfStream() {
    return new Fault(Kind.END_OF_STREAM, Duration.ZERO, -1, 0);
  }

  /** A stall of {@code duration}, to be placed with {@link #at(long)} or {@link #withProbability(double)}. */
  public static Fault stall(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    checkArgument(!duration.isNegative() && !duration.isZero(), "stall must be positive, got %s", duration);
    return new Fault(Kind.STALL, duration, -1, 0);
  }

  /** A corrupted byte, to be placed with {@link #at(long)} or {@link #withProbability(double)}. */
  public static Fault corrupt() {
    return new Fault(Kind.CORRUPT, Duration.ZERO, -1, 0);
  }

  /** Shorthand for {@code reset().at(offset)}. */
  public static Fault resetAt(long offset) {
    return reset().at(offset);
  }

  /** Shorthand for {@code endOfStream().at(offset)}. */
  public static Fault endOfStreamAt(long offset) {
    return endOfStream().at(offset);
  }

  /** Shorthand for {@code stall(duration).at(offset)}. */
  public static Fault stallAt(long offset, Duration duration) {
    return stall(duration).at(offset);
  }

  /** Shorthand for {@code corrupt().at(offset)}. */
  public static Fault corruptAt(long offset) {
    return corrupt().at(offset);
  }

  /** This fault, happening once when a direction reaches byte {@code offset} (0-based). */
  public Fault at(long offset) {
    checkArgument(offset >= 0, "offset must be >= 0, got %s", offset);
    return new Fault(kind, stall, offset, 0);
  }

  /** This fault, happening before each chunk with {@code probability} (0 to 1). */
  public Fault withProbability(double probability) {
    checkArgument(probability > 0 && probability <= 1, "probability must be in (0, 1], got %s", probability);
    return new Fault(kind, stall, -1, probability);
  }

  /** What the fault does. */
  public Kind kind() {
    return kind;
  }

  /** How long a {@link Kind#STALL} lasts. */
  public Duration stallDuration() {
    return stall;
  }

  /** The byte offset the fault happens at, or -1 if it is probabilistic. */
  public long offset() {
    return offset;
  }

  /** The probability per chunk, or 0 if the fault happens at an offset. */
  public double probability() {
    return probability;
  }

  void checkPlaced() {
    checkArgument(
        offset >= 0 || probability > 0,
        "fault %s has no place: use .at(offset) or .withProbability(p)",
        kind);
  }

  @Override
  public String toString() {
    String what = kind == Kind.STALL ? "stall(" + stall + ")" : kind.name().toLowerCase(java.util.Locale.ROOT);
    return offset >= 0 ? what + "@" + offset : what + "~" + probability;
  }
}
