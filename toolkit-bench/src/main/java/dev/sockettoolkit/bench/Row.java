package dev.sockettoolkit.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One line of the report: a quantity measured on every stack, once per round. A stack's value is
 * the median of its rounds, so one disturbed round on this shared machine does not decide a row;
 * whether the rounds agreed decides its {@link Confidence}.
 */
final class Row {
  final String name;
  final String unit;
  final ResultLine.Better better;
  private final Map<Stack, List<Double>> samples = new EnumMap<>(Stack.class);
  private final Map<Stack, String> notes = new EnumMap<>(Stack.class);
  private final List<String> doubts = new ArrayList<>();
  private boolean measuredOnce;
  /** The stacks of its {@code RESULT} line: the toolkit's, and the reference it is compared with. */
  final Stack toolkit;
  final Stack reference;

  Row(String name, String unit, ResultLine.Better better) {
    this(name, unit, better, Stack.TOOLKIT, Stack.NETTY_NIO);
  }

  /**
   * A row whose {@code RESULT} line compares {@code toolkit} with {@code reference}: the {@code
   * tls-native.*} rows compare {@link Stack#TOOLKIT_CONSCRYPT} with {@link Stack#NETTY_OPENSSL}.
   */
  Row(String name, String unit, ResultLine.Better better, Stack toolkit, Stack reference) {
    this.name = name;
    this.unit = unit;
    this.better = better;
    this.toolkit = toolkit;
    this.reference = reference;
  }

  void add(Stack stack, double value) {
    samples.computeIfAbsent(stack, s -> new ArrayList<>()).add(value);
  }

  /** Records why a stack has no value (it failed or was skipped). */
  void note(Stack stack, String why) {
    notes.put(stack, why);
  }

  String note(Stack stack) {
    return notes.get(stack);
  }

  /** Marks the row as measured once per stack by design (not in rounds): one value is no doubt. */
  Row measuredOnce() {
    measuredOnce = true;
    return this;
  }

  /** Records a reason, beyond its rounds, why the row is only indicative (e.g. a short measurement). */
  void doubt(String why) {
    doubts.add(why);
  }

  boolean has(Stack stack) {
    return samples.containsKey(stack);
  }

  /** The median of the stack's rounds, or NaN if it has none. */
  double value(Stack stack) {
    return Confidence.median(rounds(stack));
  }

  /** The spread of the stack's rounds as (max - min) / median, or NaN with fewer than two rounds. */
  double spread(Stack stack) {
    return Confidence.spread(rounds(stack));
  }

  /**
   * What makes this row only indicative, not counting the run's own doubts: the rounds of the two
   * stacks of its {@code RESULT} line, then what was recorded with {@link #doubt}. Empty when none.
   */
  List<String> doubts() {
    List<String> all = Confidence.doubts(
        toolkit.label(), Confidence.doubt(rounds(toolkit), measuredOnce),
        reference.label(), Confidence.doubt(rounds(reference), measuredOnce));
    all.addAll(doubts);
    return all;
  }

  String resultLine(Confidence confidence) {
    return ResultLine.format(
        name, unit, value(toolkit), value(reference), better, confidence);
  }

  private List<Double> rounds(Stack stack) {
    return samples.getOrDefault(stack, List.of());
  }
}
