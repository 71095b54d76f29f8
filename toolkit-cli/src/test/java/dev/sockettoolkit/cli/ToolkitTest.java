package dev.sockettoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The command line's own promises, checked on its model without running anything. */
class ToolkitTest {
  @Test
  void everyOptionOfEveryCommandStatesItsDefault() {
    check(Toolkit.commandLine());
  }

  private static void check(CommandLine line) {
    for (OptionSpec option : line.getCommandSpec().options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      String description = String.join(" ", option.description()).toLowerCase(Locale.ROOT);
      assertTrue(
          description.contains("default"),
          line.getCommandSpec().qualifiedName() + " " + option.longestName() + " does not state its default: " + description);
    }
    line.getSubcommands().values().forEach(ToolkitTest::check);
  }
}
