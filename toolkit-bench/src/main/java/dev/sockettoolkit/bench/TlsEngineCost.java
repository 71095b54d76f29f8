package dev.sockettoolkit.bench;

import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * What the JDK's {@link SSLEngine} alone costs per message, with no socket and no toolkit or Netty
 * code: a client engine wraps a message and a server engine unwraps it, in memory, on one thread.
 * Both stacks in the TLS rows use this engine (TLS 1.3, TLS_AES_128_GCM_SHA256), and an echoed
 * message is wrapped twice and unwrapped twice, so this bounds what any stack on the JDK provider
 * can reach on a given number of cores.
 *
 * <pre>{@code
 * java -cp toolkit-bench/target/toolkit-bench.jar dev.sockettoolkit.bench.TlsEngineCost
 * java -cp toolkit-bench/target/toolkit-bench.jar dev.sockettoolkit.bench.TlsEngineCost direct-wire
 * }</pre>
 *
 * <p>The argument picks the buffers: {@code heap} (the default), {@code direct-wire} (ciphertext in
 * direct buffers, as a socket reads and writes them without a copy), {@code direct-text}
 * (plaintext in direct buffers, as a {@code MessageChannel} sends and lends it) or {@code direct}
 * (both).
 */
public final class TlsEngineCost {
  private static final String SUITE = "TLS_AES_128_GCM_SHA256";
  private static final long WARMUP_NANOS = 3_000_000_000L;
  private static final long MEASURE_NANOS = 5_000_000_000L;

  private TlsEngineCost() {}

  private static ByteBuffer allocate(int size, boolean direct) {
    return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
  }

  /** Prints one line per message size: microseconds per wrap + unwrap. */
  public static void main(String[] args) throws Exception {
    SSLContext context = context(Certificates.create());
    SSLEngine client = context.createSSLEngine("localhost", 443);
    client.setUseClientMode(true);
    client.setEnabledProtocols(new String[] {"TLSv1.3"});
    client.setEnabledCipherSuites(new String[] {SUITE});
    SSLEngine server = context.createSSLEngine();
    server.setUseClientMode(false);
    handshake(client, server);
    System.out.println("JVM " + System.getProperty("java.vm.name") + " " + Runtime.version()
        + ", " + client.getSession().getProtocol() + " " + client.getSession().getCipherSuite());
    int packet = client.getSession().getPacketBufferSize();
    String buffers = args.length > 0 ? args[0] : "heap";
    boolean directWire = buffers.equals("direct-wire") || buffers.equals("direct");
    boolean directText = buffers.equals("direct-text") || buffers.equals("direct");
    if (!buffers.equals("heap") && !directWire && !directText) {
      throw new IllegalArgumentException(
          "buffers: heap, direct-wire, direct-text or direct; got " + buffers);
    }
    System.out.println("buffers: " + buffers);
    for (int size : new int[] {1024, 16 * 1024, 64 * 1024}) {
      ByteBuffer message = allocate(size, directText);
      ByteBuffer wire = allocate(size + 8 * packet, directWire);
      ByteBuffer received = allocate(size + 4 * packet, directText);
      long measured = 0;
      long count = 0;
      long start = System.nanoTime();
      boolean measuring = false;
      while (true) {
        long now = System.nanoTime();
        if (!measuring && now - start >= WARMUP_NANOS) {
          measuring = true;
          start = now;
          count = 0;
        } else if (measuring && now - start >= MEASURE_NANOS) {
          measured = now - start;
          break;
        }
        message.clear();
        wire.clear();
        while (message.hasRemaining()) {
          client.wrap(message, wire);
        }
        wire.flip();
        received.clear();
        while (wire.hasRemaining()) {
          server.unwrap(wire, received);
        }
        if (received.position() != size) {
          throw new IllegalStateException("received " + received.position() + " of " + size + " bytes");
        }
        count++;
      }
      double micros = measured / 1000.0 / count;
      System.out.printf(
          Locale.ROOT,
          "ENGINE %6d B: wrap + unwrap %8.2f us per message, %.3f ns per byte%n",
          size, micros, micros * 1000 / size);
    }
  }

  private static SSLContext context(TlsMaterial tls) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    char[] password = "bench".toCharArray();
    keys.setKeyEntry("server", tls.key(), password, tls.chain());
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("ca", tls.ca());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  /** Runs both engines' handshakes against each other in memory. */
  private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
    ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
    ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
    ByteBuffer scratch = ByteBuffer.allocate(1 << 17);
    client.beginHandshake();
    server.beginHandshake();
    for (int i = 0; i < 100 && !(finished(client) && finished(server)); i++) {
      step(client, toServer, toClient, scratch);
      step(server, toClient, toServer, scratch);
    }
    if (!(finished(client) && finished(server))) {
      throw new SSLException("the in-memory handshake did not finish");
    }
  }

  private static boolean finished(SSLEngine engine) {
    HandshakeStatus status = engine.getHandshakeStatus();
    return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
  }

  /** Advances one engine as far as it can: {@code out} and {@code in} stay in write mode. */
  private static void step(SSLEngine engine, ByteBuffer out, ByteBuffer in, ByteBuffer scratch)
      throws SSLException {
    for (int i = 0; i < 100; i++) {
      HandshakeStatus status = engine.getHandshakeStatus();
      if (status == HandshakeStatus.NEED_TASK) {
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
          task.run();
        }
      } else if (status == HandshakeStatus.NEED_WRAP) {
        engine.wrap(ByteBuffer.allocate(0), out);
      } else if (status == HandshakeStatus.NEED_UNWRAP) {
        in.flip();
        scratch.clear();
        var result = engine.unwrap(in, scratch);
        in.compact();
        if (result.getStatus() == Status.BUFFER_UNDERFLOW
            || (result.bytesConsumed() == 0 && result.bytesProduced() == 0)) {
          return;
        }
      } else {
        return;
      }
    }
  }
}
