package dev.sockettoolkit.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code toolkit} command.
 *
 * <pre>{@code
 * java -jar toolkit.jar serve --port 7000
 * java -jar toolkit.jar connect 127.0.0.1:7000
 * java -jar toolkit.jar proxy --listen 7001 --to 127.0.0.1:7000 --latency 50ms --log-frames
 * java -jar toolkit.jar demo
 * }</pre>
 *
 * <p>Exit status: 0 on success, 1 when the command failed, 2 when the arguments were wrong. Errors
 * are one line on stderr; {@code --verbose} adds the stack trace.
 */
@Command(
    name = "toolkit",
    mixinStandardHelpOptions = true,
    versionProvider = Toolkit.Version.class,
    description = "Secure, framed messaging over sockets: serve, connect, proxy with faults, make certificates, measure.",
    subcommands = {
      ServeCommand.class,
      ConnectCommand.class,
      ProxyCommand.class,
      CertCommand.class,
      BenchCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Toolkit implements Runnable {
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the arguments, e.g. {@code serve --port 0}
   */
  public static void main(String[] args) {
    // Library log records (System.Logger goes to java.util.logging) as one line each, no traces.
    // Only severe ones, unless --verbose: the command reports what matters itself, in one line.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "toolkit: %4$s: %5$s%n");
    }
    java.util.logging.Logger.getLogger("")
        .setLevel(Arrays.asList(args).contains("--verbose") ? Level.INFO : Level.SEVERE);
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status, for tests. */
  static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine line = new CommandLine(new Toolkit());
    line.registerConverter(Duration.class, Durations::parse);
    line.setParameterExceptionHandler(Toolkit::badArguments);
    line.setExecutionExceptionHandler(Toolkit::failed);
    line.setCaseInsensitiveEnumValuesAllowed(true);
    return line;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Wrong arguments: one line naming the problem and where help is, exit 2. */
  private static int badArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine line = e.getCommandLine();
    PrintWriter err = line.getErr();
    err.println(
        line.getCommandName()
            + ": "
            + oneLine(e.getMessage())
            + " (see '"
            + line.getCommandSpec().qualifiedName()
            + " --help')");
    err.flush();
    return EXIT_USAGE;
  }

  /** A command failed: one line with the reason, the stack trace only with --verbose, exit 1. */
  private static int failed(Exception e, CommandLine line, CommandLine.ParseResult parsed) {
    PrintWriter err = line.getErr();
    boolean verbose = false;
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      verbose |= p.hasMatchedOption("--verbose");
    }
    if (verbose) {
      e.printStackTrace(err);
    }
    err.println(line.getCommandName() + ": " + Errors.describe(e));
    err.flush();
    return e instanceof UsageException ? EXIT_USAGE : EXIT_FAILURE;
  }

  static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
  }

  /** The version from the jar's manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Toolkit.class.getPackage().getImplementationVersion();
      return new String[] {
        "toolkit " + (version == null ? "development" : version),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }
}
