package dev.sockettoolkit.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints the rows as a human-readable table and then as {@code RESULT} lines. */
final class Report {
  private final List<Row> rows = new ArrayList<>();

  Row row(String name, String unit, ResultLine.Better better) {
    Row row = new Row(name, unit, better);
    rows.add(row);
    return row;
  }

  List<Row> rows() {
    return rows;
  }

  void printTable(PrintStream out, List<Stack> columns) {
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-32s %-6s", "row", "unit"));
    for (Stack stack : columns) {
      header.append(String.format(Locale.ROOT, " %13s", stack.label()));
    }
    header.append(String.format(Locale.ROOT, " %9s %s", "tk/netty", "better"));
    out.println(header);
    out.println("-".repeat(header.length() + 2));
    for (Row row : rows) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-32s %-6s", row.name, row.unit));
      for (Stack stack : columns) {
        String cell = row.has(stack) ? ResultLine.number(row.value(stack)) : "-";
        double spread = row.spread(stack);
        if (Double.isFinite(spread) && spread > 0.15) {
          cell = cell + "~"; // rounds disagreed by more than 15%: read with care
        }
        line.append(String.format(Locale.ROOT, " %13s", cell));
      }
      line.append(String.format(Locale.ROOT, " %9s %s",
          ResultLine.ratio(row.value(Stack.TOOLKIT), row.value(Stack.NETTY_NIO)), row.better.word()));
      out.println(line);
    }
    out.println("(values are medians of the rounds; '~' marks rounds that spread by more than 15%;"
        + " '-' means not measured)");
    for (Row row : rows) {
      for (Stack stack : columns) {
        String note = row.note(stack);
        if (note != null) {
          out.println("  note: " + row.name + " / " + stack.label() + ": " + note);
        }
      }
    }
  }

  void printResults(PrintStream out) {
    for (Row row : rows) {
      out.println(row.resultLine());
    }
  }
}
