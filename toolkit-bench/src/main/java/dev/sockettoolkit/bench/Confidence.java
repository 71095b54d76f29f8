package dev.sockettoolkit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How far a row's figures can be taken at face value: {@link #HIGH}, or {@link #INDICATIVE} when
 * anything casts doubt on them. A row is indicative when
 *
 * <ul>
 *   <li>the rounds of either stack of its {@code RESULT} line spread by more than {@link
 *       #MAX_SPREAD} ({@code (max - min) / median}),
 *   <li>either of those stacks has a single round (no spread to judge) or none, unless the row is
 *       measured once by design (the idle rows),
 *   <li>its measurements were shorter than the full run's ({@code --quick}, {@code --measure-ms}),
 *       or
 *   <li>the machine was not quiet when the run started ({@link MachineLoad}).
 * </ul>
 *
 * <pre>
 * String doubt = Confidence.doubt(List.of(1.0e6, 1.3e6, 1.1e6), false); // "rounds spread 28%"
 * Confidence.of(List.of("toolkit " + doubt)); // INDICATIVE
 * </pre>
 */
enum Confidence {
  /** Every round agreed within {@link #MAX_SPREAD}, at full length, on a quiet machine. */
  HIGH,
  /** A figure to read with care: see the reasons printed with the table. */
  INDICATIVE;

  /**
   * Largest relative spread of one stack's rounds, {@code (max - min) / median}, that still counts
   * as agreement. Full runs on a quiet machine move about ±10% between runs (docs/PERFORMANCE.md).
   */
  static final double MAX_SPREAD = 0.10;

  /** The word of the {@code confidence=} field: {@code high} or {@code indicative}. */
  String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@link #HIGH} when there is no doubt, {@link #INDICATIVE} otherwise. */
  static Confidence of(List<String> doubts) {
    return doubts.isEmpty() ? HIGH : INDICATIVE;
  }

  /**
   * What the rounds of one stack leave in doubt: nothing (null), no value at all ({@code "not
   * measured"}), a single round ({@code "one round"}), or rounds that spread by more than {@link
   * #MAX_SPREAD} ({@code "rounds spread 23%"}).
   *
   * @param rounds the stack's value in each round it completed
   * @param measuredOnce true for a row measured once by design (the idle rows): one value is then
   *     no doubt
   */
  static String doubt(List<Double> rounds, boolean measuredOnce) {
    if (rounds.isEmpty()) {
      return "not measured";
    }
    if (rounds.size() == 1) {
      return measuredOnce ? null : "one round";
    }
    double spread = spread(rounds);
    if (spread <= MAX_SPREAD) {
      return null;
    }
    // Rounded up: a spread just over the threshold never reads as the threshold itself.
    return String.format(Locale.ROOT, "rounds spread %.0f%%", Math.ceil(spread * 100));
  }

  /**
   * The doubts of a row's two {@code RESULT} stacks, each {@link #doubt} prefixed with the stack's
   * label, or once without a label when both have the same ({@code "one round"} in {@code --quick}).
   */
  static List<String> doubts(String toolkit, String toolkitDoubt, String netty, String nettyDoubt) {
    List<String> doubts = new ArrayList<>();
    if (toolkitDoubt != null && toolkitDoubt.equals(nettyDoubt)) {
      doubts.add(toolkitDoubt);
      return doubts;
    }
    if (toolkitDoubt != null) {
      doubts.add(toolkit + " " + toolkitDoubt);
    }
    if (nettyDoubt != null) {
      doubts.add(netty + " " + nettyDoubt);
    }
    return doubts;
  }

  /** The median of {@code values}, or NaN if there are none. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * The spread of the rounds as {@code (max - min) / median}: 0 when they agree exactly, NaN with
   * fewer than two rounds, infinite when they disagree around a median of 0.
   */
  static double spread(List<Double> rounds) {
    if (rounds.size() < 2) {
      return Double.NaN;
    }
    double min = rounds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = rounds.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    if (max == min) {
      return 0;
    }
    return (max - min) / Math.abs(median(rounds));
  }
}
