package dev.sockettoolkit.reliability.soak;

import dev.sockettoolkit.core.ConnectionClosedException;
import dev.sockettoolkit.core.ConnectionResetException;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.framing.FrameTooLongException;
import dev.sockettoolkit.framing.MalformedFrameException;
import dev.sockettoolkit.framing.TruncatedFrameException;
import dev.sockettoolkit.tls.TlsHandshakeException;
import dev.sockettoolkit.tls.TlsTruncationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;

/** Counters of a soak run, shared by every client and server thread. */
final class SoakStats {
  final LongAdder connections = new LongAdder();
  final LongAdder tlsConnections = new LongAdder();
  final LongAdder graceful = new LongAdder();
  final LongAdder clientAborted = new LongAdder();
  final LongAdder faulted = new LongAdder();

  final LongAdder sent = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final LongAdder echoed = new LongAdder();
  final LongAdder duplicated = new LongAdder();
  final LongAdder reordered = new LongAdder();
  final LongAdder wrongData = new LongAdder();
  /** Messages a graceful connection should have delivered and did not: must stay 0. */
  final LongAdder lostOnGraceful = new LongAdder();
  final LongAdder corruptionsCaughtByChecksum = new LongAdder();

  final LongAdder serverGraceful = new LongAdder();
  final LongAdder tlsServerHandlers = new LongAdder();

  private final Map<String, LongAdder> faultsInjected = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  /** The first stack trace of each kind of failure, to show where each comes from. */
  private final Map<String, String> samples = new ConcurrentHashMap<>();
  private final List<String> undocumented = Collections.synchronizedList(new ArrayList<>());

  void faultInjected(String kind) {
    faultsInjected.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /** Records how a faulted connection failed on {@code side}; an undocumented failure is kept. */
  void failure(String side, Throwable t) {
    String name = side + " " + name(t);
    failures.computeIfAbsent(name, k -> new LongAdder()).increment();
    samples.computeIfAbsent(name, k -> trace(t));
    if (!documented(t) && undocumented.size() < 20) {
      undocumented.add(side + ": " + trace(t));
    }
  }

  private static String trace(Throwable t) {
    java.io.StringWriter trace = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(trace));
    return trace.toString();
  }

  /** One stack trace per kind of failure, by name. */
  Map<String, String> samples() {
    return new TreeMap<>(samples);
  }

  /**
   * Whether {@code t} is one of the failures a faulted connection may end with, as listed in
   * docs/RELIABILITY.md. Anything else (a runtime exception, an unexplained IOException, a
   * protocol violation) fails the soak.
   */
  static boolean documented(Throwable t) {
    if (t instanceof SoakProtocolException) {
      return ((SoakProtocolException) t).kind() != SoakProtocolException.Kind.VIOLATION;
    }
    return t instanceof ConnectionResetException
        || t instanceof ConnectionClosedException
        || t instanceof ConnectionTimeoutException
        || t instanceof TruncatedFrameException
        || t instanceof MalformedFrameException
        || t instanceof FrameTooLongException
        || t instanceof TlsHandshakeException
        || t instanceof TlsTruncationException
        || isTlsRecordFailure(t);
  }

  /** The TLS layer's failure for a bad record after the handshake: an IOException over the engine's SSLException. */
  static boolean isTlsRecordFailure(Throwable t) {
    return t.getClass() == IOException.class && t.getCause() instanceof SSLException;
  }

  static String name(Throwable t) {
    if (t instanceof SoakProtocolException) {
      return "SoakProtocolException(" + ((SoakProtocolException) t).kind() + ")";
    }
    if (t instanceof ConnectionTimeoutException) {
      return "ConnectionTimeoutException(" + ((ConnectionTimeoutException) t).kind() + ")";
    }
    if (t instanceof TlsHandshakeException) {
      return "TlsHandshakeException(" + ((TlsHandshakeException) t).reason() + ")";
    }
    if (isTlsRecordFailure(t)) {
      return "IOException(SSLException: TLS record failure)";
    }
    return t.getClass().getSimpleName();
  }

  List<String> undocumented() {
    synchronized (undocumented) {
      return new ArrayList<>(undocumented);
    }
  }

  Map<String, Long> failures() {
    Map<String, Long> m = new TreeMap<>();
    failures.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  Map<String, Long> faultsInjected() {
    Map<String, Long> m = new TreeMap<>();
    faultsInjected.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  long totalFaultsInjected() {
    return faultsInjected.values().stream().mapToLong(LongAdder::sum).sum();
  }
}
