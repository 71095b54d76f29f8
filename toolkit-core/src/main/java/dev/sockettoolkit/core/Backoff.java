package dev.sockettoolkit.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * How a {@link ReconnectingClient} waits between attempts: exponential backoff with full jitter
 * (each wait is uniformly random between zero and the exponential value, so clients that lost the
 * same server do not come back in step), a cap on each wait, and a limit on attempts or on the
 * total time. Immutable.
 *
 * <pre>{@code
 * Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10))
 *     .maxElapsed(Duration.ofMinutes(2));           // then give up
 * }</pre>
 *
 * <p>{@link #defaults()}: 100 ms initial, doubling, capped at 10 s, unlimited attempts within 5
 * minutes.
 */
public final class Backoff {
  private static final Backoff DEFAULTS =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0, 0, Duration.ofMinutes(5));

  private final Duration initial;
  private final Duration cap;
  private final double multiplier;
  private final int maxAttempts;
  private final Duration maxElapsed;

  private Backoff(Duration initial, Duration cap, double multiplier, int maxAttempts, Duration maxElapsed) {
    this.initial = initial;
    this.cap = cap;
    this.multiplier = multiplier;
    this.maxAttempts = maxAttempts;
    this.maxElapsed = maxElapsed;
  }

  /** The defaults: 100 ms initial, doubling, capped at 10 s, giving up after 5 minutes. */
  public static Backoff defaults() {
    return DEFAULTS;
  }

  /** Waits growing from {@code initial}, doubling, each at most {@code cap}; limits as {@link #defaults()}. */
  public static Backoff exponential(Duration initial, Duration cap) {
    checkPositive(initial, "initial");
    checkPositive(cap, "cap");
    checkArgument(cap.compareTo(initial) >= 0, "cap %s must not be below initial %s", cap, initial);
    return new Backoff(initial, cap, DEFAULTS.multiplier, DEFAULTS.maxAttempts, DEFAULTS.maxElapsed);
  }

  /** The growth factor between waits (default 2, at least 1). */
  public Backoff multiplier(double multiplier) {
    checkArgument(multiplier >= 1.0 && multiplier <= 100.0, "multiplier must be 1..100, got %s", multiplier);
    return new Backoff(initial, cap, multiplier, maxAttempts, maxElapsed);
  }

  /** Gives up after {@code attempts} attempts; 0 for no limit on the count (default). */
  public Backoff maxAttempts(int attempts) {
    checkArgument(attempts >= 0, "maxAttempts must be >= 0, got %s", attempts);
    return new Backoff(initial, cap, multiplier, attempts, maxElapsed);
  }

  /**
   * Gives up once {@code elapsed} has passed since the first attempt (default 5 minutes); {@link
   * Duration#ZERO} for no limit on time. A wait never runs past it.
   */
  public Backoff maxElapsed(Duration elapsed) {
    Objects.requireNonNull(elapsed, "elapsed");
    checkArgument(!elapsed.isNegative(), "maxElapsed must not be negative, got %s", elapsed);
    return new Backoff(initial, cap, multiplier, maxAttempts, elapsed);
  }

  /** The attempt limit; 0 for none. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The time limit; zero for none. */
  public Duration maxElapsed() {
    return maxElapsed;
  }

  /**
   * The wait after failed attempt number {@code attempt} (1 for the first): uniformly random in
   * {@code [0, min(cap, initial × multiplier^(attempt-1))]}, drawing from {@code random} (values
   * in {@code [0, 1)}).
   */
  public Duration delayAfter(int attempt, DoubleSupplier random) {
    checkArgument(attempt >= 1, "attempt must be >= 1, got %s", attempt);
    double ceiling = initial.toNanos() * Math.pow(multiplier, Math.min(attempt - 1, 1000));
    double bounded = Math.min(cap.toNanos(), ceiling);
    return Duration.ofNanos((long) (bounded * random.getAsDouble()));
  }

  private static void checkPositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    checkArgument(!d.isNegative() && !d.isZero(), "%s must be positive, got %s", name, d);
  }

  @Override
  public String toString() {
    return "Backoff{initial=" + initial + ", cap=" + cap + ", multiplier=" + multiplier
        + ", maxAttempts=" + (maxAttempts == 0 ? "none" : maxAttempts)
        + ", maxElapsed=" + (maxElapsed.isZero() ? "none" : maxElapsed) + "}";
  }
}
