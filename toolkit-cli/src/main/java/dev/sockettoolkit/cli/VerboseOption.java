package dev.sockettoolkit.cli;

import picocli.CommandLine.Option;

/** {@code --verbose}: stack traces with failures, and the library's log records. */
final class VerboseOption {
  @Option(names = "--verbose", description = "Print stack traces on failure and the library's log records (default: off).")
  boolean verbose;
}
