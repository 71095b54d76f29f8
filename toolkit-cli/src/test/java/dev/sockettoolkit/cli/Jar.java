package dev.sockettoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code target/toolkit.jar} as a separate process, the way a user does. */
final class Jar {
  private static final Pattern LISTENING = Pattern.compile("listening on (.+):(\\d+)");

  private Jar() {}

  static Path path() {
    Path jar = Paths.get(System.getProperty("toolkit.jar", "target/toolkit.jar"));
    assertTrue(Files.isRegularFile(jar), jar + " missing: run mvn package first");
    return jar;
  }

  static List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(path().toString());
    command.addAll(List.of(args));
    return command;
  }

  /** A finished run: exit status and everything printed. */
  static final class Result {
    final int exit;
    final String stdout;
    final String stderr;

    Result(int exit, String stdout, String stderr) {
      this.exit = exit;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  /** Runs the command to completion with {@code stdin} as input. */
  static Result run(byte[] stdin, String... args) throws Exception {
    Process p = new ProcessBuilder(command(args)).start();
    CompletableFuture<byte[]> out = drain(p.getInputStream());
    CompletableFuture<byte[]> err = drain(p.getErrorStream());
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin);
    } catch (IOException e) {
      // the process may exit before reading its input (bad arguments)
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("toolkit " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Result(
        p.exitValue(),
        new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8),
        new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
  }

  static Result run(String stdin, String... args) throws Exception {
    return run(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return in.readAllBytes();
          } catch (IOException e) {
            return new byte[0];
          }
        });
  }

  /** A running {@code toolkit serve}; closing it kills the process. */
  static final class Served implements AutoCloseable {
    final Process process;
    final String host;
    final int port;
    final List<String> stdoutLines = new ArrayList<>();
    private final CompletableFuture<byte[]> stderr;

    private Served(Process process, String host, int port, CompletableFuture<byte[]> stderr) {
      this.process = process;
      this.host = host;
      this.port = port;
      this.stderr = stderr;
    }

    String address() {
      return host + ":" + port;
    }

    /** Stops the server and returns what it printed on stderr. */
    String stopAndReadStderr() throws Exception {
      process.destroy();
      process.waitFor(20, TimeUnit.SECONDS);
      return new String(stderr.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      stop(process);
    }
  }

  /** Starts {@code toolkit serve args} (on a free port unless args name one) and waits for its {@code listening on} line. */
  static Served serve(String... args) throws Exception {
    List<String> full = new ArrayList<>(List.of("serve"));
    if (!List.of(args).contains("--port")) {
      full.addAll(List.of("--port", "0"));
    }
    full.addAll(List.of(args));
    Process p = new ProcessBuilder(command(full.toArray(String[]::new))).start();
    CompletableFuture<byte[]> err = drain(p.getErrorStream());
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Served> ready =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                List<String> before = new ArrayList<>();
                String line;
                while ((line = out.readLine()) != null) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.matches()) {
                    Served s = new Served(p, m.group(1), Integer.parseInt(m.group(2)), err);
                    s.stdoutLines.addAll(before);
                    s.stdoutLines.add(line);
                    Thread drainRest =
                        new Thread(
                            () -> {
                              try {
                                String l;
                                while ((l = out.readLine()) != null) {
                                  synchronized (s.stdoutLines) {
                                    s.stdoutLines.add(l);
                                  }
                                }
                              } catch (IOException ignored) {
                                // process ended
                              }
                            });
                    drainRest.setDaemon(true);
                    drainRest.start();
                    return s;
                  }
                  before.add(line);
                }
                return null;
              } catch (IOException e) {
                return null;
              }
            });
    Served served = ready.get(30, TimeUnit.SECONDS);
    if (served == null) {
      p.waitFor(10, TimeUnit.SECONDS);
      fail("serve never printed 'listening on': " + new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }
    return served;
  }

  /**
   * A running {@code toolkit} process whose stdout lines are collected as they come; its stdin
   * stays open for the test to write. Closing it kills the process.
   */
  static final class Running implements AutoCloseable {
    final Process process;
    private final List<String> lines = new ArrayList<>();
    private final CompletableFuture<byte[]> stderr;
    private final Thread reader;

    private Running(Process process) {
      this.process = process;
      this.stderr = drain(process.getErrorStream());
      BufferedReader out =
          new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.reader =
          new Thread(
              () -> {
                try {
                  String l;
                  while ((l = out.readLine()) != null) {
                    synchronized (lines) {
                      lines.add(l);
                      lines.notifyAll();
                    }
                  }
                } catch (IOException ignored) {
                  // process ended
                }
              });
      reader.setDaemon(true);
      reader.start();
    }

    /** The stdout lines so far. */
    List<String> lines() {
      synchronized (lines) {
        return new ArrayList<>(lines);
      }
    }

    /** Waits up to 20 s for a stdout line matching {@code regex} and returns its match. */
    Matcher await(String regex) throws InterruptedException {
      Pattern pattern = Pattern.compile(regex);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      synchronized (lines) {
        while (true) {
          for (String l : lines) {
            Matcher m = pattern.matcher(l);
            if (m.matches()) {
              return m;
            }
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            fail("no stdout line matched '" + regex + "' in 20 s; got " + lines);
          }
          TimeUnit.NANOSECONDS.timedWait(lines, left);
        }
      }
    }

    /** Writes {@code text} to the process's stdin and flushes. */
    void write(String text) throws IOException {
      process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    }

    /** Ends the process's stdin and waits up to 20 s for it to exit; returns its status. */
    int endInputAndWait() throws Exception {
      process.getOutputStream().close();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("process did not exit in 20 s after its stdin ended; stdout " + lines());
      }
      reader.join(5000);
      return process.exitValue();
    }

    /** Stops the process and returns what it printed on stderr. */
    String stopAndReadStderr() throws Exception {
      close();
      return new String(stderr.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      stop(process);
    }
  }

  /** Starts {@code toolkit args} with stdin open. */
  static Running start(String... args) throws IOException {
    return new Running(new ProcessBuilder(command(args)).start());
  }

  /** Runs {@code python3 -c script args} to completion (60 s at most); null if python3 is absent. */
  static Result python(String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("python3", "-c", script));
    command.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(command).start();
    } catch (IOException e) {
      return null;
    }
    CompletableFuture<byte[]> out = drain(p.getInputStream());
    CompletableFuture<byte[]> err = drain(p.getErrorStream());
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("python3 did not finish in 60 s");
    }
    return new Result(
        p.exitValue(),
        new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8),
        new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
  }

  /** Whether python3 runs here; tests that need it as a peer skip loudly without it. */
  static boolean hasPython() {
    try {
      Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      boolean ok = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
      if (!ok) {
        System.err.println("SKIPPED: python3 is not usable here; tests with a Python peer do not run");
      }
      return ok;
    } catch (Exception e) {
      System.err.println("SKIPPED: python3 not found on PATH; tests with a Python peer do not run");
      return false;
    }
  }

  /** Asks {@code process} to stop, and kills it if it has not within 20 s. */
  static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
