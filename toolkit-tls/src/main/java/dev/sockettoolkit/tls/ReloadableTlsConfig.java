package dev.sockettoolkit.tls;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A server configuration that can be swapped while the server runs: new connections use the
 * newest configuration, connections already open keep the one they started with.
 *
 * <pre>{@code
 * // reload by hand
 * ReloadableTlsConfig tls = ReloadableTlsConfig.of(TlsConfig.server(oldKey).build());
 * Server server = Server.builder().handler(TlsConnection.serverHandler(tls, handler)).start();
 * tls.reload(TlsConfig.server(newKey).build());
 *
 * // or watch PEM files, e.g. a Kubernetes secret mounted at /etc/tls
 * ReloadableTlsConfig watched = ReloadableTlsConfig.watchPem(
 *     Path.of("/etc/tls/tls.crt"), Path.of("/etc/tls/tls.key"),
 *     key -> TlsConfig.server(key).build(),
 *     Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Watching polls the files' contents (a SHA-256 of both, and of the {@link TlsConfig#crlFiles()
 * CRL files} of the current configuration) every interval rather than relying on
 * file events, so it sees every kind of replacement, including the symlink swap of a directory
 * that Kubernetes uses for secrets. If the new files do not load (half written, wrong key,
 * expired), the old configuration stays in use and the failure is logged and kept in {@link
 * #lastFailure()}; the next change is tried again.
 */
public final class ReloadableTlsConfig implements Supplier<TlsConfig>, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ReloadableTlsConfig.class.getName());

  /** Turns freshly loaded key material into a configuration. */
  @FunctionalInterface
  public interface ConfigFactory {
    /** Builds the configuration that presents {@code keyMaterial}. */
    TlsConfig create(KeyMaterial keyMaterial) throws IOException;
  }

  private final AtomicReference<TlsConfig> current;
  private final AtomicReference<Exception> lastFailure = new AtomicReference<>();
  private final Path certificateChain;
  private final Path privateKey;
  private final char[] password;
  private final ConfigFactory factory;
  private final ScheduledExecutorService poller;
  private final ScheduledFuture<?> polling;
  private byte[] lastDigest;

  private ReloadableTlsConfig(
      TlsConfig initial,
      Path certificateChain,
      Path privateKey,
      char[] password,
      ConfigFactory factory,
      Duration interval) {
    this.current = new AtomicReference<>(initial);
    this.certificateChain = certificateChain;
    this.privateKey = privateKey;
    this.password = password == null ? null : password.clone();
    this.factory = factory;
    if (interval == null) {
      this.poller = null;
      this.polling = null;
    } else {
      this.lastDigest = digestQuietly();
      this.poller =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "toolkit-tls-watch " + certificateChain);
                thread.setDaemon(true);
                return thread;
              });
      long millis = Math.max(1, interval.toMillis());
      this.polling = poller.scheduleWithFixedDelay(this::checkFiles, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** A reloadable configuration starting with {@code initial}; change it with {@link #reload}. */
  public static ReloadableTlsConfig of(TlsConfig initial) {
    Objects.requireNonNull(initial, "initial");
    return new ReloadableTlsConfig(initial, null, null, null, null, null);
  }

  /**
   * Loads key material from PEM files now (failing if it does not load) and again whenever their
   * contents change, checking every {@code interval}. Stop watching with {@link #close()}.
   */
  public static ReloadableTlsConfig watchPem(
      Path certificateChain, Path privateKey, ConfigFactory factory, Duration interval)
      throws IOException {
    return watchPem(certificateChain, privateKey, null, factory, interval);
  }

  /** As {@link #watchPem(Path, Path, ConfigFactory, Duration)} for a password-protected key. */
  public static ReloadableTlsConfig watchPem(
      Path certificateChain, Path privateKey, char[] password, ConfigFactory factory, Duration interval)
      throws IOException {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(factory, "factory");
    Objects.requireNonNull(interval, "interval");
    checkArgument(!interval.isNegative() && !interval.isZero(), "interval must be positive: %s", interval);
    TlsConfig initial = factory.create(KeyMaterial.fromPem(certificateChain, privateKey, password));
    return new ReloadableTlsConfig(initial, certificateChain, privateKey, password, factory, interval);
  }

  /** The configuration new connections use now. */
  @Override
  public TlsConfig get() {
    return current.get();
  }

  /** Makes {@code config} the configuration for new connections. */
  public void reload(TlsConfig config) {
    current.set(Objects.requireNonNull(config, "config"));
    lastFailure.set(null);
  }

  /**
   * Reloads the watched PEM files now, whether or not they changed.
   *
   * @throws IllegalStateException if this does not watch files
   * @throws IOException if they do not load; the old configuration stays in use
   */
  public void reloadFiles() throws IOException {
    if (factory == null) {
      throw new IllegalStateException("this ReloadableTlsConfig does not watch files: use reload(TlsConfig)");
    }
    try {
      TlsConfig config = factory.create(KeyMaterial.fromPem(certificateChain, privateKey, password));
      current.set(config);
      lastFailure.set(null);
      LOG.log(Level.INFO, "reloaded TLS key material from {0}", certificateChain);
    } catch (IOException | RuntimeException e) {
      lastFailure.set(e);
      throw e;
    }
  }

  /** Why the most recent reload of the watched files failed, or null if it succeeded. */
  public Exception lastFailure() {
    return lastFailure.get();
  }

  private void checkFiles() {
    byte[] digest = digestQuietly();
    if (digest == null || Arrays.equals(digest, lastDigest)) {
      return;
    }
    lastDigest = digest;
    try {
      reloadFiles();
    } catch (IOException | RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "TLS key material in {0} changed but does not load; keeping the previous one: {1}",
          certificateChain,
          e.getMessage());
    }
  }

  private byte[] digestQuietly() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      List<Path> files = new ArrayList<>(List.of(certificateChain, privateKey));
      files.addAll(current.get().crlFiles()); // CRLs reload with the key material
      for (Path file : files) {
        digest.update(Files.readAllBytes(file));
        digest.update((byte) 0);
      }
      return digest.digest();
    } catch (IOException e) {
      return null; // mid-swap or missing: try again next time
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops watching files; the last configuration stays available. */
  @Override
  public void close() {
    if (polling != null) {
      polling.cancel(false);
      poller.shutdownNow();
    }
  }
}
