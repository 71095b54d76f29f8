package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Independent TLS implementations as test peers, run as processes: GnuTLS ({@code gnutls-cli},
 * {@code gnutls-serv}, {@code certtool}), Node.js ({@code node}) and OpenSSL. A test that needs one
 * calls {@link #require}: when it is missing the test is reported as skipped with the reason, and
 * a loud line goes to stderr. Every process is bounded in time and killed by {@link
 * Running#close()}.
 */
final class Peers {
  private Peers() {}

  /** The path of {@code tool} on the PATH, or null. */
  static String find(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  /** Skips the calling test, loudly, when {@code tool} is not installed; {@code install} says how. */
  static String require(String tool, String install) {
    String path = find(tool);
    if (path == null) {
      System.err.println(
          "*** SKIPPED: " + tool + " is not on the PATH; the interoperability tests that need it did"
              + " NOT run. Install it (" + install + ") to run them. ***");
    }
    assumeTrue(path != null, tool + " is not installed on this machine (" + install + "): interop test skipped");
    return path;
  }

  static String gnutls(String tool) {
    return require(tool, "apt-get install gnutls-bin");
  }

  static String node() {
    return require("node", "apt-get install nodejs");
  }

  /** The exit code and merged output of a finished process. */
  record Result(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }
  }

  /** Runs {@code command} in {@code dir}, stdin closed, for at most {@code timeout}. */
  static Result run(Path dir, Duration timeout, String... command) throws IOException, InterruptedException {
    try (Running process = start(dir, command)) {
      process.process.getOutputStream().close();
      if (!process.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException(String.join(" ", command) + " did not finish within " + timeout + ":\n" + process.output());
      }
      process.pump.join(5000);
      return new Result(process.process.exitValue(), process.output());
    }
  }

  /** Starts {@code command} in {@code dir} with stderr merged into stdout, collected as it comes. */
  static Running start(Path dir, String... command) throws IOException {
    return new Running(new ProcessBuilder(Arrays.asList(command)).directory(dir.toFile()).redirectErrorStream(true).start());
  }

  static List<String> list(String... parts) {
    return new ArrayList<>(Arrays.asList(parts));
  }

  /** A running peer process; its output is collected for assertions. Closing kills it. */
  static final class Running implements AutoCloseable {
    final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread pump;

    Running(Process process) {
      this.process = process;
      this.pump = new Thread(() -> pump(process.getInputStream()), "peer output " + process.pid());
      pump.setDaemon(true);
      pump.start();
    }

    private void pump(InputStream in) {
      byte[] buffer = new byte[4096];
      try {
        int n;
        while ((n = in.read(buffer)) > 0) {
          output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }

    String output() {
      return output.toString();
    }

    /** Whether the output contains {@code text} within {@code timeout}. */
    boolean awaitOutput(String text, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!output.toString().contains(text)) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        Thread.sleep(20);
      }
      return true;
    }

    /** Waits for the process to end; returns its exit code; fails after {@code timeout}. */
    int awaitExit(Duration timeout) throws IOException, InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("the peer did not finish within " + timeout + ":\n" + output());
      }
      pump.join(5000);
      return process.exitValue();
    }

    void write(String text) throws IOException {
      process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    }

    @Override
    public void close() {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
