package dev.sockettoolkit.bench;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The machine-readable form of one benchmark row, parsed by tools outside the project:
 *
 * <pre>
 * RESULT name=&lt;row&gt; unit=&lt;unit&gt; toolkit=&lt;value&gt; netty=&lt;value&gt; ratio=&lt;toolkit/netty&gt; better=&lt;higher|lower&gt; confidence=&lt;high|indicative&gt;
 * </pre>
 *
 * <p>Values are plain decimals (no exponent, no grouping, a dot as separator); a value that could
 * not be measured is {@code NaN}, and so is the ratio then.
 *
 * <p>{@code confidence} is the last field, added after the others (a parser that reads fields by
 * name, or only the first six, is unaffected): {@code high} when every round of both stacks agreed
 * within {@link Confidence#MAX_SPREAD} on a quiet machine at full length, {@code indicative}
 * otherwise ({@link Confidence}). Read an indicative ratio as a hint, not as a measurement.
 */
final class ResultLine {
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._/%-]+");

  private ResultLine() {}

  /** Which way is better for a row. */
  enum Better {
    HIGHER,
    LOWER;

    String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static String format(
      String name, String unit, double toolkit, double netty, Better better, Confidence confidence) {
    checkToken(name, "name");
    checkToken(unit, "unit");
    return "RESULT name=" + name
        + " unit=" + unit
        + " toolkit=" + number(toolkit)
        + " netty=" + number(netty)
        + " ratio=" + ratio(toolkit, netty)
        + " better=" + better.word()
        + " confidence=" + confidence.word();
  }

  /** {@code toolkit / netty} with three decimals, or {@code NaN} when either is missing or netty is 0. */
  static String ratio(double toolkit, double netty) {
    if (!Double.isFinite(toolkit) || !Double.isFinite(netty) || netty == 0) {
      return "NaN";
    }
    return String.format(Locale.ROOT, "%.3f", toolkit / netty);
  }

  /** A value with enough digits for its size: 1234567, 1234.6, 12.35, 0.123. */
  static String number(double value) {
    if (!Double.isFinite(value)) {
      return "NaN";
    }
    double magnitude = Math.abs(value);
    String pattern = magnitude >= 10_000 ? "%.0f" : magnitude >= 100 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, pattern, value);
  }

  private static void checkToken(String value, String what) {
    if (!TOKEN.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " must be one token of [A-Za-z0-9._/%-], got '" + value + "'");
    }
  }
}
