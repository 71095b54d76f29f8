package dev.sockettoolkit.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.AbstractService;
import dev.sockettoolkit.core.internal.ConnectionCounters.Outcome;
import dev.sockettoolkit.core.internal.BoundaryWaits;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Accepts connections on a TCP, Unix-domain or {@linkplain InMemoryAddress in-memory} address and
 * runs a {@link ConnectionHandler} for each on its own thread: a virtual thread on Java 21 and
 * newer, a platform thread before.
 *
 * <pre>{@code
 * try (Server server = Server.builder()
 *     .bind("127.0.0.1", 0)                      // port 0: any free port
 *     .handler(connection -> connection.inputStream().transferTo(connection.outputStream()))
 *     .start()) {
 *   System.out.println("listening on port " + server.port());
 *   // ...
 * }                                              // graceful shutdown
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * A server is a Guava {@link com.google.common.util.concurrent.Service}, so it works with {@code
 * ServiceManager}. {@code startAsync()} binds (a bind failure moves it to FAILED); {@code
 * stopAsync()} shuts down gracefully: it stops accepting, lets running handlers finish for up to the
 * drain timeout, then aborts the connections still open and waits for their handlers to return.
 * {@link #close()} does both and waits.
 *
 * <h2>Limits</h2>
 * At most {@link Builder#maxConnections(int)} connections are served at once (default {@value
 * Builder#DEFAULT_MAX_CONNECTIONS}). A connection beyond the limit is accepted and at once reset,
 * so its client fails fast instead of waiting in the listen backlog; {@link
 * ConnectionListener#rejected} hears of it and a warning is logged at most once a second.
 *
 * <h2>Behind a proxy</h2>
 * With {@link Builder#proxyProtocol} the server reads a PROXY protocol header from every
 * connection before its handler (so before TLS), accepts connections only from the trusted
 * proxies, and gives the handler the original client's addresses; see {@link ProxyHeader}.
 *
 * <h2>Shutdown</h2>
 * Connections whose handler waits in a {@code MessageChannel} for the start of the next message
 * (no partial frame, nothing being written) are ended at once when the server stops: the receive
 * returns the end of the stream and the handler closes as usual. Only those in the middle of a
 * message or a write get the drain timeout.
 *
 * <h2>Failures</h2>
 * A handler that throws is logged through {@link System.Logger} ({@code dev.sockettoolkit.core.Server}),
 * its connection is closed, and every other connection carries on. Failing to accept (for example
 * when the process is out of file descriptors) is logged and retried after a short pause.
 */
public final class Server extends AbstractService implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Server.class.getName());
  private static final long ACCEPT_RETRY_MILLIS = 100;
  private static final long REJECT_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long IDLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final SocketAddress requestedAddress;
  private final ConnectionHandler handler;
  private final ConnectionOptions options;
  private final ConnectionListener listener;
  private final int maxConnections;
  private final int backlog;
  private final Duration drainTimeout;
  private final ThreadMode threadMode;
  private final ThreadFactory handlerThreads;
  private final ConnectionMetrics metrics;
  /** Null unless the PROXY protocol is on. */
  private final ProxyProtocolGate proxyGate;

  /** Open connections and the threads serving them. */
  private final Map<Connection, Thread> connections = new ConcurrentHashMap<>();
  private final ReentrantLock countLock = new ReentrantLock();
  private final Condition drained = countLock.newCondition();
  private int active;
  private final AtomicLong rejectedSinceLog = new AtomicLong();
  private volatile long lastRejectLog;

  private volatile Listening listening;
  private volatile SocketAddress boundAddress;
  private Thread acceptThread;

  private Server(Builder b) {
    this.requestedAddress = b.address;
    this.handler = b.handler;
    this.options =
        b.timeSource == null ? b.options : b.options.toBuilder().timeSource(b.timeSource).build();
    this.listener = b.listener;
    this.maxConnections = b.maxConnections;
    this.backlog = b.backlog;
    this.drainTimeout = b.drainTimeout;
    this.threadMode = b.threadMode;
    this.handlerThreads = threadMode.factory("toolkit-conn");
    this.metrics = b.metrics != null ? b.metrics : ConnectionMetrics.create();
    this.proxyGate =
        b.proxyProtocol == null
            ? null
            : new ProxyProtocolGate(b.proxyProtocol, b.trustedProxies, b.proxyProtocolTimeout);
  }

  /** A builder; at least {@link Builder#handler} must be set. */
  public static Builder builder() {
    return new Builder();
  }

  /** The address the server is bound to (with the real port when port 0 was asked for). */
  public SocketAddress localAddress() {
    checkState(boundAddress != null, "the server is not bound yet: call startAsync() first");
    return boundAddress;
  }

  /** The TCP port the server is bound to. */
  public int port() {
    SocketAddress address = localAddress();
    checkState(address instanceof InetSocketAddress, "a server on %s has no port", address);
    return ((InetSocketAddress) address).getPort();
  }

  /** Whether handlers run on virtual or platform threads. */
  public ThreadMode threadMode() {
    return threadMode;
  }

  /** How many connections are being served right now. */
  public int activeConnections() {
    countLock.lock();
    try {
      return active;
    } finally {
      countLock.unlock();
    }
  }

  /**
   * The counters of this server's connections: opened, active, closed by outcome, rejected by
   * rule, bytes, and the messages, handshakes and frame errors of the layers over them.
   *
   * <pre>{@code
   * ConnectionMetrics.Snapshot s = server.metrics().snapshot();
   * System.out.println(s.activeConnections() + " open, " + s.bytesRead() + " bytes in");
   * }</pre>
   */
  public ConnectionMetrics metrics() {
    return metrics;
  }

  /** Shuts down gracefully (see the class documentation) and waits until it is done. */
  @Override
  public void close() {
    stopAsync();
    try {
      awaitTerminated();
    } catch (IllegalStateException e) {
      // A server that failed to start has nothing to stop; awaitTerminated reports the old failure.
      if (state() != State.FAILED) {
        throw e;
      }
    }
  }

  @Override
  protected void doStart() {
    try {
      listening =
          requestedAddress instanceof InMemoryAddress memory
              ? InMemoryNetwork.bind(memory, backlog, options)
              : SocketListening.bind(requestedAddress, backlog, options);
      boundAddress = listening.localAddress();
      acceptThread = new Thread(this::acceptLoop, "toolkit-accept " + boundAddress);
      options.timeSource().threadStarting(acceptThread);
      acceptThread.start();
      notifyStarted();
    } catch (IOException | RuntimeException e) {
      notifyFailed(e);
    }
  }

  @Override
  protected void doStop() {
    // Stop accepting before stopAsync() returns: from here on, new clients are refused. The JDK
    // releases the listening descriptor only once the accepting thread has left accept().
    listening.close();
    joinAcceptThread();
    Thread stopper = new Thread(this::shutDown, "toolkit-stop " + boundAddress);
    stopper.setDaemon(true);
    options.timeSource().threadStarting(stopper);
    stopper.start();
  }

  private void shutDown() {
    try {
      if (!drainClosingIdle(drainTimeout)) {
        int left = activeConnections();
        LOG.log(
            Level.INFO,
            "{0}: drain timeout of {1} passed with {2} connection(s) open; aborting them",
            boundAddress,
            ConnectionTimeoutException.format(drainTimeout),
            left);
        // Aborting releases handlers blocked in I/O; the interrupt releases those blocked elsewhere.
        connections.forEach(
            (connection, thread) -> {
              connection.abort();
              thread.interrupt();
            });
        awaitDrained(Duration.ofSeconds(10));
      }
      if (boundAddress instanceof UnixDomainSocketAddress unix) {
        Files.deleteIfExists(unix.getPath());
      }
      notifyStopped();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      notifyFailed(e);
    } catch (IOException | RuntimeException e) {
      notifyFailed(e);
    }
  }

  /**
   * Waits up to {@code timeout} for the handlers to finish, closing at once, every few
   * milliseconds, the connections whose handler waits for the start of the next message and that
   * are not writing: idle peers do not hold up a shutdown; peers in the middle of a message do.
   */
  private boolean drainClosingIdle(Duration timeout) throws InterruptedException {
    TimeSource time = options.timeSource();
    long deadline = time.nanoTime() + timeout.toNanos();
    while (true) {
      connections.forEach(
          (connection, thread) -> {
            if (connection instanceof AbstractConnection transport
                && !transport.isWriting()
                && BoundaryWaits.claim(thread)) {
              transport.endInputForShutdown(); // the handler's receive ends; it closes gracefully
            }
          });
      long left = deadline - time.nanoTime();
      if (left <= 0) {
        return activeConnections() == 0;
      }
      if (awaitDrained(Duration.ofNanos(Math.min(left, IDLE_CHECK_NANOS)))) {
        return true;
      }
    }
  }

  private void joinAcceptThread() {
    try {
      acceptThread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean awaitDrained(Duration timeout) throws InterruptedException {
    TimeSource time = options.timeSource();
    long deadline = time.nanoTime() + timeout.toNanos();
    countLock.lock();
    try {
      while (active > 0) {
        if (time.nanoTime() - deadline >= 0) {
          return false;
        }
        time.await(countLock, drained, true, deadline);
      }
      return true;
    } finally {
      countLock.unlock();
    }
  }

  private void acceptLoop() {
    while (listening.isOpen()) {
      Listening.Accepted accepted;
      try {
        accepted = listening.accept();
      } catch (IOException e) {
        LOG.log(
            Level.WARNING,
            "{0}: accept failed ({1}); retrying in {2} ms",
            boundAddress,
            e.getMessage(),
            ACCEPT_RETRY_MILLIS);
        sleepQuietly(ACCEPT_RETRY_MILLIS);
        continue;
      }
      if (accepted == null) {
        return; // closed
      }
      admit(accepted);
    }
  }

  private void admit(Listening.Accepted accepted) {
    if (!reserveSlot()) {
      reject(
          accepted,
          "max_connections",
          "the server is at its limit of " + maxConnections + " connections");
      return;
    }
    Connection connection;
    try {
      connection = accepted.open();
    } catch (IOException e) {
      LOG.log(Level.INFO, "{0}: could not set up an accepted connection: {1}", boundAddress, e);
      accepted.refuse();
      releaseSlot();
      return;
    }
    AbstractConnection.observe(connection, true, metrics);
    if (proxyGate == null) {
      notifyListener(() -> listener.accepted(connection));
    }
    try {
      Thread thread = handlerThreads.newThread(new Serving(connection));
      options.timeSource().threadStarting(thread);
      connections.put(connection, thread);
      thread.start();
    } catch (RuntimeException | OutOfMemoryError e) {
      LOG.log(Level.WARNING, "{0}: could not start a handler thread: {1}", boundAddress, e);
      connection.abort();
      connections.remove(connection);
      releaseSlot();
    }
  }

  /**
   * What a handler thread runs: the handler, then the clean-up. A class rather than a lambda
   * calling a method, so that the thread's stack has one frame here instead of three: a handler
   * blocked in a read keeps them all, and the stack of a parked virtual thread is heap.
   */
  private final class Serving implements Runnable {
    private final Connection connection;

    Serving(Connection connection) {
      this.connection = connection;
    }

    @Override
    public void run() {
      Connection served = proxyGate == null ? connection : throughProxy(connection);
      if (served == null) {
        connections.remove(connection);
        releaseSlot();
        return;
      }
      Throwable failure = null;
      try {
        handler.handle(served);
      } catch (Throwable t) {
        failure = t;
        if (t instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        logHandlerFailure(served, t);
        if (connection instanceof AbstractConnection counted) {
          counted.counters().ending(Outcome.FAILED);
        }
      } finally {
        try {
          connection.close();
        } catch (IOException | RuntimeException e) {
          connection.abort();
        }
        connections.remove(connection);
        Throwable cause = failure;
        notifyListener(
            () -> {
              if (cause == null) {
                listener.closed(served);
              } else {
                listener.failed(served, cause);
              }
            });
        releaseSlot();
      }
    }
  }

  /**
   * The connection as its proxy's client sees it, after the PROXY header; or null when it was
   * refused: then it is aborted, logged in one line naming the peer and the rule, and reported to
   * the listener as rejected.
   */
  private Connection throughProxy(Connection transport) {
    SocketAddress peer = transport.remoteAddress();
    try {
      Connection proxied = proxyGate.open(transport);
      notifyListener(() -> listener.accepted(proxied));
      return proxied;
    } catch (IOException | RuntimeException e) {
      // Logged and reported before the reset, so the record exists by the time the peer sees it.
      String rule = e instanceof ProxyHeaderException p ? p.rule().toString() : "IO_ERROR";
      String reason = "PROXY protocol " + rule + ": " + e.getMessage();
      LOG.log(Level.INFO, "{0}: refused connection from {1}: {2}", boundAddress, peer, reason);
      recordRejection(peer, "proxy_protocol", reason);
      notifyListener(() -> listener.rejected(peer, reason));
      transport.abort();
      return null;
    }
  }

  private void logHandlerFailure(Connection connection, Throwable t) {
    if (t instanceof IOException) {
      // Peers misbehave all the time: one line, no stack trace.
      LOG.log(Level.INFO, "connection from {0} failed: {1}", connection.remoteAddress(), t.toString());
    } else {
      LOG.log(Level.WARNING, "handler for connection from " + connection.remoteAddress() + " threw", t);
    }
  }

  private boolean reserveSlot() {
    countLock.lock();
    try {
      if (active >= maxConnections) {
        return false;
      }
      active++;
      return true;
    } finally {
      countLock.unlock();
    }
  }

  private void releaseSlot() {
    countLock.lock();
    try {
      active--;
      if (active == 0) {
        options.timeSource().signalAll(drained);
      }
    } finally {
      countLock.unlock();
    }
  }

  /** Refuses {@code accepted} by {@code rule} (a name for meters and events) for {@code reason}. */
  private void reject(Listening.Accepted accepted, String rule, String reason) {
    SocketAddress remote = accepted.remoteAddress();
    recordRejection(remote, rule, reason); // before the refusal, which the client may see at once
    accepted.refuse();
    long rejected = rejectedSinceLog.incrementAndGet();
    long now = System.nanoTime();
    if (now - lastRejectLog >= REJECT_LOG_INTERVAL_NANOS) {
      lastRejectLog = now;
      rejectedSinceLog.addAndGet(-rejected);
      LOG.log(Level.WARNING, "{0}: rejected {1} connection(s): {2}", boundAddress, rejected, reason);
    }
    SocketAddress from = remote;
    notifyListener(() -> listener.rejected(from, reason));
  }

  /** Counts a refused connection by {@code rule} and records its JFR event. */
  private void recordRejection(SocketAddress remote, String rule, String reason) {
    metrics.recorder().rejected(rule);
    ConnectionRejectedEvent event = new ConnectionRejectedEvent();
    if (event.shouldCommit()) {
      event.rule = rule;
      event.detail = reason;
      event.localAddress = String.valueOf(boundAddress);
      event.remoteAddress = String.valueOf(remote);
      event.commit();
    }
  }

  private void notifyListener(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "connection listener threw", e);
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "Server[" + (boundAddress != null ? boundAddress : requestedAddress) + "] [" + state() + "]";
  }

  /** Builds a {@link Server}. */
  public static final class Builder {
    /** Default for {@link #maxConnections(int)}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    private SocketAddress address = new InetSocketAddress("127.0.0.1", 0);
    private ConnectionHandler handler;
    private ConnectionOptions options = ConnectionOptions.serverDefaults();
    private ConnectionListener listener = new ConnectionListener() {};
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int backlog = 1024;
    private Duration drainTimeout = Duration.ofSeconds(10);
    private ThreadMode threadMode = ThreadMode.best();
    private TimeSource timeSource;
    private ConnectionMetrics metrics;
    private ProxyProtocol proxyProtocol;
    private TrustedProxies trustedProxies;
    private Duration proxyProtocolTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * Requires a PROXY protocol header of {@code version} (V1, V2 or ANY) at the start of every
     * connection, and takes connections only from {@code trustedProxies}: IPv4 or IPv6 addresses
     * and CIDR ranges such as {@code "10.0.0.0/8"} or {@code "fd00::/8"}, and {@code "local"} for
     * Unix-domain and in-memory peers. The handler's connection then has the original client's
     * addresses and {@link Connection#proxyHeader()}. A connection from another source, or
     * without a whole valid header within {@link #proxyProtocolTimeout}, is refused (see {@link
     * ProxyHeaderException.Rule}), logged in one line and reported to {@link
     * ConnectionListener#rejected}. The header is read before the handler, so before any TLS.
     */
    public Builder proxyProtocol(ProxyProtocol version, Collection<String> trustedProxies) {
      Objects.requireNonNull(version, "version");
      this.trustedProxies = TrustedProxies.parse(Objects.requireNonNull(trustedProxies, "trustedProxies"));
      this.proxyProtocol = version;
      return this;
    }

    /** How long a trusted proxy may take to send the whole PROXY header (default 10 s). */
    public Builder proxyProtocolTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      checkArgument(timeout.toMillis() >= 1, "proxyProtocolTimeout must be at least 1 ms, got %s", timeout);
      this.proxyProtocolTimeout = timeout;
      return this;
    }

    /**
     * Listens on {@code host} and {@code port} (default {@code 127.0.0.1}, port 0: any free
     * port). Use {@code "0.0.0.0"} or {@code "::"} to accept from other machines.
     */
    public Builder bind(String host, int port) {
      Objects.requireNonNull(host, "host");
      checkArgument(port >= 0 && port <= 65535, "port must be 0..65535, got %s", port);
      this.address = new InetSocketAddress(HostAndPort.fromHost(host).getHost(), port);
      return this;
    }

    /**
     * Listens on {@code address}: an {@link InetSocketAddress}, a {@link UnixDomainSocketAddress}
     * (whose file must not exist yet; it is deleted on shutdown) or an {@link InMemoryAddress}
     * (no socket at all: for tests, with every option honoured as over TCP; the backlog bounds the
     * connections not yet accepted, beyond which a connect is refused).
     */
    public Builder bind(SocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** What to run for each connection. Required. */
    public Builder handler(ConnectionHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** Options for accepted connections (default {@link ConnectionOptions#serverDefaults()}). */
    public Builder options(ConnectionOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * The clock of the accepted connections' timeouts and of the drain timeout (default the one
     * of {@link #options}, {@link TimeSource#system()} unless chosen there). Tests pass the
     * testkit's {@code VirtualClock} to run a server with its real timeouts in virtual time.
     */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
      return this;
    }

    /** Hears about connections as they come and go (default: nobody). */
    public Builder listener(ConnectionListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The most connections served at once (default {@value #DEFAULT_MAX_CONNECTIONS}); more are reset at once. */
    public Builder maxConnections(int maxConnections) {
      checkArgument(maxConnections > 0, "maxConnections must be positive, got %s", maxConnections);
      this.maxConnections = maxConnections;
      return this;
    }

    /** The listen backlog: connections the OS queues before the server accepts them (default 1024). */
    public Builder backlog(int backlog) {
      checkArgument(backlog > 0, "backlog must be positive, got %s", backlog);
      this.backlog = backlog;
      return this;
    }

    /** How long shutdown waits for running handlers before aborting their connections (default 10 s). */
    public Builder drainTimeout(Duration drainTimeout) {
      Objects.requireNonNull(drainTimeout, "drainTimeout");
      checkArgument(!drainTimeout.isNegative(), "drainTimeout must not be negative, got %s", drainTimeout);
      this.drainTimeout = drainTimeout;
      return this;
    }

    /** Forces handler threads of {@code mode} (default {@link ThreadMode#best()}). */
    public Builder threadMode(ThreadMode mode) {
      Objects.requireNonNull(mode, "mode");
      checkArgument(
          ThreadMode.isAvailable(mode),
          "%s threads are not available on Java %s",
          mode,
          Runtime.version().feature());
      this.threadMode = mode;
      return this;
    }

    /**
     * Counts this server's connections in {@code metrics} (default: counters of its own), for
     * example to count several servers together; read them with {@link Server#metrics()}.
     */
    public Builder metrics(ConnectionMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** Builds the server, not yet started. */
    public Server build() {
      checkState(handler != null, "a handler is required: call handler(...) before build()");
      return new Server(this);
    }

    /**
     * Builds and starts the server, waiting until it is bound.
     *
     * @throws IOException if the address cannot be bound
     */
    public Server start() throws IOException {
      Server server = build();
      server.startAsync();
      try {
        server.awaitRunning();
      } catch (IllegalStateException e) {
        Throwable cause = server.failureCause();
        if (cause instanceof IOException) {
          throw (IOException) cause;
        }
        throw e;
      }
      return server;
    }
  }
}
