package dev.sockettoolkit.cli;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.tls.CertificateAuthority;
import dev.sockettoolkit.tls.ClientAuth;
import dev.sockettoolkit.tls.IssuedCertificate;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import dev.sockettoolkit.tls.TlsSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code toolkit demo}: the whole toolkit in one process. A CA, a server certificate and client
 * certificates; a mutual-TLS server with length-prefix framing; clients that send checksummed,
 * numbered messages concurrently and verify every echo.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the toolkit end to end in one process: make a CA and certificates, start a mutual-TLS"
          + " echo server with length-prefix framing, run several clients at once, verify every"
          + " echoed message and print a summary. Takes about 10 seconds."
    })
final class DemoCommand implements Callable<Integer> {
  private static final int WINDOW = 64;

  @Spec CommandSpec spec;

  @Option(names = "--clients", paramLabel = "N", defaultValue = "8", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "5s", description = "How long the clients send (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Mixin VerboseOption verbosity;

  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final Set<String> serverSeen = ConcurrentHashMap.newKeySet();

  @Override
  public Integer call() throws Exception {
    CertCommand.requirePositive(clients, "--clients");
    PrintWriter out = spec.commandLine().getOut();
    long started = System.nanoTime();
    out.println("Socket Toolkit demo: a mutual-TLS echo server and " + clients + " clients in one process");
    out.println();

    CertificateAuthority ca = CertificateAuthority.create("Socket Toolkit Demo CA");
    IssuedCertificate serverCert = ca.issue().dns("localhost").ip("127.0.0.1").server().issue();
    out.printf("  %-14s %s%n", "CA", ca.certificate().getSubjectX500Principal().getName());
    out.printf("  %-14s %s (sha256 %s)%n", "server cert", "CN=localhost, DNS:localhost, IP:127.0.0.1", shortFingerprint(serverCert.sha256Fingerprint()));

    TlsConfig serverConfig =
        TlsConfig.server(serverCert.keyMaterial())
            .trust(ca.trustMaterial())
            .clientAuth(ClientAuth.REQUIRED)
            .alpn("toolkit-demo/1")
            .build();
    FrameCodec<ByteBuffer> codec = FrameCodecs.lengthPrefix().build();
    try (Server server =
        Server.builder()
            .bind("127.0.0.1", 0)
            .handler(TlsConnection.serverHandler(serverConfig, connection -> echo(connection, codec)))
            .start()) {
      out.printf("  %-14s 127.0.0.1:%d, TLS, 4-byte length prefix, %s threads%n", "server", server.port(), server.threadMode().name().toLowerCase(Locale.ROOT));
      out.flush();

      ExecutorService pool = Executors.newFixedThreadPool(clients);
      List<Future<ClientResult>> results = new ArrayList<>();
      long deadline = System.nanoTime() + duration.toNanos();
      for (int i = 1; i <= clients; i++) {
        IssuedCertificate clientCert = ca.issue().commonName("demo-client-" + i).client().issue();
        TlsConfig clientConfig =
            TlsConfig.client()
                .trust(ca.trustMaterial())
                .keyMaterial(clientCert.keyMaterial())
                .alpn("toolkit-demo/1")
                .build();
        int id = i;
        results.add(pool.submit(() -> runClient(id, server.port(), clientConfig, codec, deadline)));
      }
      out.printf("  %-14s %d, each with its own client certificate, sending for %s%n", "clients", clients, Durations.format(duration));
      out.flush();
      long trafficStart = System.nanoTime();
      List<ClientResult> done = new ArrayList<>();
      for (Future<ClientResult> f : results) {
        done.add(f.get(duration.toSeconds() + 60, TimeUnit.SECONDS));
      }
      double seconds = (System.nanoTime() - trafficStart) / 1e9;
      pool.shutdown();

      TlsSession session = done.get(0).session;
      Set<String> serverNames = new TreeSet<>();
      for (ClientResult r : done) {
        serverNames.add(r.serverPrincipal);
      }
      long msgs = messages.get();
      out.println();
      out.println("Summary");
      out.printf("  %-14s %d opened, %d closed cleanly, 0 failed%n", "connections", clients, done.size());
      out.printf("  %-14s %,d sent, %,d echoed and verified (CRC32C and sequence), 0 lost%n", "messages", msgs, msgs);
      out.printf("  %-14s %.1f MiB each way%n", "bytes", bytes.get() / (1024.0 * 1024.0));
      out.printf("  %-14s %,.0f messages/s, %.1f MB/s each way%n", "throughput", msgs / seconds, bytes.get() / seconds / 1e6);
      out.printf("  %-14s %s, %s, ALPN %s%n", "TLS", session.protocol(), session.cipherSuite(), session.applicationProtocol());
      out.printf("  %-14s clients saw the server as %s%n", "peer names", String.join(", ", serverNames));
      out.printf("  %-14s server saw %d clients: %s%n", "", serverSeen.size(), summarizeNames(serverSeen));
      out.printf("  %-14s %.1f s%n", "elapsed", (System.nanoTime() - started) / 1e9);
      out.flush();
    }
    return 0;
  }

  private void echo(TlsConnection connection, FrameCodec<ByteBuffer> codec) throws IOException {
    connection.session().peerPrincipal().ifPresent(p -> serverSeen.add(p.getName()));
    ServeCommand.Echo.echo(MessageChannel.open(connection, codec), null);
  }

  /** What one client saw. */
  private static final class ClientResult {
    final TlsSession session;
    final String serverPrincipal;

    ClientResult(TlsSession session, String serverPrincipal) {
      this.session = session;
      this.serverPrincipal = serverPrincipal;
    }
  }

  /**
   * Sends numbered, checksummed messages of random sizes with up to {@value #WINDOW} outstanding
   * until the deadline, checking every echo, then closes gracefully.
   */
  private ClientResult runClient(
      int id, int port, TlsConfig config, FrameCodec<ByteBuffer> codec, long deadline)
      throws IOException {
    Connection tcp = Client.connect("127.0.0.1", port, ConnectionOptions.defaults());
    TlsConnection tls = TlsConnection.client(tcp, config, "localhost");
    try (MessageChannel<ByteBuffer> channel = MessageChannel.open(tls, codec)) {
      tls.handshake();
      ThreadLocalRandom random = ThreadLocalRandom.current();
      long nextToSend = 0;
      long nextToCheck = 0;
      List<ByteBuffer> batch = new ArrayList<>(WINDOW);
      boolean sending = true;
      while (sending || nextToCheck < nextToSend) {
        if (sending && System.nanoTime() >= deadline) {
          sending = false;
        }
        if (sending && nextToSend - nextToCheck <= WINDOW / 2) {
          while (nextToSend - nextToCheck < WINDOW) {
            batch.add(message(id, nextToSend++, 16 + random.nextInt(2048)));
          }
          channel.sendAll(batch);
          batch.clear();
        }
        if (nextToCheck < nextToSend) {
          ByteBuffer echo = channel.receive();
          if (echo == null) {
            throw new IOException("client " + id + ": server closed with " + (nextToSend - nextToCheck) + " replies outstanding");
          }
          verify(id, nextToCheck++, echo);
          messages.incrementAndGet();
          bytes.addAndGet(echo.remaining());
        }
      }
      TlsSession session = tls.session();
      return new ClientResult(session, session.peerPrincipal().map(Object::toString).orElse("(none)"));
    }
  }

  /** [client id:4][sequence:8][crc32c of payload:4][payload]. */
  private static ByteBuffer message(int id, long sequence, int payloadSize) {
    ByteBuffer m = ByteBuffer.allocate(16 + payloadSize);
    m.putInt(id).putLong(sequence).putInt(0);
    byte[] payload = new byte[payloadSize];
    ThreadLocalRandom.current().nextBytes(payload);
    CRC32C crc = new CRC32C();
    crc.update(payload);
    m.putInt(12, (int) crc.getValue());
    m.put(payload).flip();
    return m;
  }

  private static void verify(int id, long sequence, ByteBuffer echo) throws IOException {
    ByteBuffer m = echo.duplicate();
    int gotId = m.getInt();
    long gotSequence = m.getLong();
    int gotCrc = m.getInt();
    CRC32C crc = new CRC32C();
    crc.update(m);
    if (gotId != id || gotSequence != sequence || gotCrc != (int) crc.getValue()) {
      throw new IOException("client " + id + ": echo " + sequence + " came back wrong (id " + gotId + ", sequence " + gotSequence + ")");
    }
  }

  private static String shortFingerprint(String fingerprint) {
    return fingerprint.length() > 23 ? fingerprint.substring(0, 23) + "..." : fingerprint;
  }

  private static String summarizeNames(Set<String> names) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(names));
    if (sorted.size() <= 3) {
      return String.join(", ", sorted);
    }
    return sorted.get(0) + ", " + sorted.get(1) + ", ... " + sorted.get(sorted.size() - 1);
  }
}
