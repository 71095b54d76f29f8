package dev.sockettoolkit.core;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The listeners bound to {@link InMemoryAddress}es in this JVM. A connect makes an in-memory pair
 * (the client end with the client's options, the server end with the server's) and queues the
 * server end for the listener, like a kernel's backlog.
 */
final class InMemoryNetwork {
  private static final ConcurrentMap<String, Listener> LISTENERS = new ConcurrentHashMap<>();

  private InMemoryNetwork() {}

  /** Binds {@code address}, queueing at most {@code backlog} connections not yet accepted. */
  static Listening bind(InMemoryAddress address, int backlog, ConnectionOptions options)
      throws IOException {
    Listener listener = new Listener(address.listener(), backlog, options);
    if (LISTENERS.putIfAbsent(address.name(), listener) != null) {
      throw new IOException(
          "cannot bind " + address.listener() + ": another server in this JVM is bound to it; stop"
              + " that server first, or bind a different name");
    }
    return listener;
  }

  /** Connects to the listener of {@code address}. */
  static Connection connect(InMemoryAddress address, ConnectionOptions options)
      throws ConnectException {
    Listener listener = LISTENERS.get(address.name());
    if (listener == null) {
      throw new ConnectException(
          "connection refused: nothing listens on " + address.listener());
    }
    return listener.connect(options);
  }

  /** A server end taken from the backlog. */
  private static final class Queued implements Listening.Accepted {
    private final PipeConnection server;

    Queued(PipeConnection server) {
      this.server = server;
    }

    @Override
    public SocketAddress remoteAddress() {
      return server.remoteAddress();
    }

    @Override
    public Connection open() {
      server.startTimeouts();
      return server;
    }

    @Override
    public void refuse() {
      server.abort();
    }
  }

  private static final class Listener implements Listening {
    private final InMemoryAddress address;
    private final int backlog;
    private final ConnectionOptions options;
    private final AtomicLong clients = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Queue<PipeConnection> pending = new ArrayDeque<>(); // guarded by lock
    private boolean closed; // guarded by lock

    Listener(InMemoryAddress address, int backlog, ConnectionOptions options) {
      this.address = address;
      this.backlog = backlog;
      this.options = options;
    }

    Connection connect(ConnectionOptions clientOptions) throws ConnectException {
      InMemoryAddress clientAddress =
          InMemoryAddress.end(address.name(), "client-" + clients.incrementAndGet());
      TimeSource time = PipeBuffer.shared(clientOptions.timeSource(), options.timeSource());
      PipeBuffer toServer = new PipeBuffer(ConnectionPair.DEFAULT_BUFFER_SIZE, time);
      PipeBuffer toClient = new PipeBuffer(ConnectionPair.DEFAULT_BUFFER_SIZE, time);
      PipeConnection client =
          new PipeConnection(toClient, toServer, clientAddress, address, clientOptions);
      PipeConnection server = new PipeConnection(toServer, toClient, address, clientAddress, options);
      lock.lock();
      try {
        if (closed) {
          throw new ConnectException("connection refused: nothing listens on " + address);
        }
        if (pending.size() >= backlog) {
          throw new ConnectException(
              "connection refused: the backlog of " + address + " (" + backlog + ") is full");
        }
        pending.add(server);
        options.timeSource().signalAll(arrived);
      } finally {
        lock.unlock();
      }
      client.startTimeouts();
      return client;
    }

    @Override
    public SocketAddress localAddress() {
      return address;
    }

    @Override
    public boolean isOpen() {
      lock.lock();
      try {
        return !closed;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public Accepted accept() {
      PipeConnection server;
      lock.lock();
      try {
        boolean interrupted = false;
        while (pending.isEmpty() && !closed) {
          if (options.timeSource().isSystem()) {
            arrived.awaitUninterruptibly();
          } else {
            try {
              options.timeSource().await(lock, arrived, false, 0);
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        if (closed) {
          return null;
        }
        server = pending.remove();
      } finally {
        lock.unlock();
      }
      return new Queued(server);
    }

    @Override
    public void close() {
      lock.lock();
      try {
        if (closed) {
          return;
        }
        closed = true;
        // Connections never accepted are reset, as a closed listening socket resets its backlog.
        for (PipeConnection queued; (queued = pending.poll()) != null; ) {
          queued.abort();
        }
        options.timeSource().signalAll(arrived);
      } finally {
        lock.unlock();
      }
      LISTENERS.remove(address.name(), this);
    }
  }
}
