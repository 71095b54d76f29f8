package dev.sockettoolkit.tls;

import static dev.sockettoolkit.tls.TlsPeers.ascii;
import static dev.sockettoolkit.tls.TlsPeers.readExactly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.Server;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS servers built with {@link TlsConnection#serverHandler}: failures logged, reloads. */
class TlsServerHandlerTest {
  private static final TlsHandler ECHO_NAME =
      tls -> {
        byte[] request = readExactly(tls, 1);
        String peer = tls.session().peerPrincipal().map(Object::toString).orElse("anonymous");
        tls.write(ascii((char) request[0] + peer + "\n"));
      };

  private static String ask(int port, TlsConfig config) throws Exception {
    try (TlsConnection tls = TlsConnection.client(Client.connect("127.0.0.1:" + port, Transports.OPTIONS), config, "localhost")) {
      tls.write(ascii("?"));
      ByteBuffer reply = ByteBuffer.allocate(256);
      while (tls.read(reply) != -1) {
        // read to the server's close_notify
      }
      return new String(reply.array(), 0, reply.position(), java.nio.charset.StandardCharsets.UTF_8)
          + "|" + tls.session().peerPrincipal().orElseThrow().getName();
    }
  }

  @Test
  void handshakeFailuresAreLoggedAsOneLineAndTheServerCarriesOn() throws Exception {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Logger logger = Logger.getLogger(TlsConnection.class.getName());
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    try (Server server =
        Server.builder()
            .bind("127.0.0.1", 0)
            .handler(TlsConnection.serverHandler(TestPki.server().build(), ECHO_NAME))
            .start()) {
      try (Connection plain = Client.connect("127.0.0.1:" + server.port())) {
        plain.write(ascii("GET / HTTP/1.1\r\n\r\n"));
        plain.read(ByteBuffer.allocate(100));
      } catch (IOException expected) {
        // the server drops us
      }
      TlsConfig untrusting = TlsConfig.client().trust(TestPki.OTHER_CA.trustMaterial()).build();
      assertThrows(TlsHandshakeException.class, () -> ask(server.port(), untrusting));
      assertEquals("?anonymous\n|CN=localhost", ask(server.port(), TestPki.client().build()));
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (records.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(records.size() >= 2, "logged: " + records.size());
      String line = java.text.MessageFormat.format(records.get(0).getMessage(), records.get(0).getParameters());
      assertTrue(line.contains("127.0.0.1") && line.contains("not a TLS record"), line);
      assertTrue(!line.contains("\n"), "one line: " + line);
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void reloadSwapsKeyMaterialForNewConnectionsOnly() throws Exception {
    IssuedCertificate second = TestPki.CA.issue().commonName("second").dns("localhost").issue();
    ReloadableTlsConfig config = ReloadableTlsConfig.of(TestPki.server().build());
    try (Server server =
        Server.builder()
            .bind("127.0.0.1", 0)
            .handler(TlsConnection.serverHandler(config, ECHO_NAME))
            .start()) {
      TlsConnection early = TlsConnection.client(Client.connect("127.0.0.1:" + server.port()), TestPki.client().build(), "localhost");
      early.handshake();
      assertTrue(ask(server.port(), TestPki.client().build()).endsWith("CN=localhost"));
      config.reload(TlsConfig.server(second.keyMaterial()).build());
      assertTrue(ask(server.port(), TestPki.client().build()).endsWith("CN=second"));
      // The connection opened before the reload carries on with the old certificate.
      early.write(ascii("!"));
      assertArrayEquals("!anonymous\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), readExactly(early, 11));
      assertEquals("CN=localhost", early.session().peerPrincipal().orElseThrow().getName());
      early.close();
    }
  }

  @Test
  void watchesPemFilesSwappedThroughASymlinkAndKeepsOldMaterialOnBadFiles(@TempDir Path dir) throws Exception {
    // Kubernetes layout: tls.crt -> ..data/tls.crt, ..data -> ..v1; an update swaps ..data.
    Path v1 = Files.createDirectory(dir.resolve("..v1"));
    TestPki.SERVER.writePem(v1.resolve("tls.crt"), v1.resolve("tls.key"));
    Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
    Files.createSymbolicLink(dir.resolve("tls.crt"), Path.of("..data", "tls.crt"));
    Files.createSymbolicLink(dir.resolve("tls.key"), Path.of("..data", "tls.key"));
    try (ReloadableTlsConfig config =
        ReloadableTlsConfig.watchPem(
            dir.resolve("tls.crt"), dir.resolve("tls.key"), key -> TlsConfig.server(key).build(), Duration.ofMillis(50))) {
      assertEquals("CN=localhost", config.get().keyMaterial().certificate().getSubjectX500Principal().getName());

      IssuedCertificate renewed = TestPki.CA.issue().commonName("renewed").dns("localhost").issue();
      Path v2 = Files.createDirectory(dir.resolve("..v2"));
      renewed.writePem(v2.resolve("tls.crt"), v2.resolve("tls.key"));
      swap(dir, v2);
      awaitSubject(config, "CN=renewed");

      // A broken update: the key does not match. The old material stays.
      Path v3 = Files.createDirectory(dir.resolve("..v3"));
      Files.copy(v2.resolve("tls.crt"), v3.resolve("tls.crt"));
      TestPki.CLIENT.writePem(v3.resolve("unused.crt"), v3.resolve("tls.key"));
      swap(dir, v3);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (config.lastFailure() == null && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertNotNull(config.lastFailure());
      assertEquals(KeyMaterialException.Reason.KEY_MISMATCH, ((KeyMaterialException) config.lastFailure()).reason());
      assertEquals("CN=renewed", config.get().keyMaterial().certificate().getSubjectX500Principal().getName());
    }
  }

  private static void swap(Path dir, Path target) throws IOException {
    Path link = dir.resolve("..data_tmp");
    Files.createSymbolicLink(link, target.getFileName());
    Files.move(link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void awaitSubject(ReloadableTlsConfig config, String subject) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!config.get().keyMaterial().certificate().getSubjectX500Principal().getName().equals(subject)
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(subject, config.get().keyMaterial().certificate().getSubjectX500Principal().getName());
  }
}
