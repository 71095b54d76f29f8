package dev.sockettoolkit.tls;

import static dev.sockettoolkit.tls.TlsPeers.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.tls.KeyMaterialTest.Format;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interoperability with OpenSSL: {@code openssl s_server} as the server for our client, {@code
 * openssl s_client} as the client of our server, with keys and certificates openssl generated.
 * Skipped (loudly) when openssl is not installed.
 */
class OpenSslInteropTest {
  @TempDir static Path dir;
  static TrustMaterial openSslCa;

  @BeforeAll
  static void makePki() throws Exception {
    OpenSsl.require();
    OpenSsl.makeCa(dir);
    for (Format format : Format.values()) {
      KeyMaterialTest.makeKey(dir, format);
    }
    OpenSsl.run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "sni.key");
    OpenSsl.signLeaf(dir, "sni", "sni.key", "sni.test", "serverAuth", null);
    OpenSsl.run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "client.key");
    OpenSsl.signLeaf(dir, "client", "client.key", "openssl-client", "clientAuth", null);
    openSslCa = TrustMaterial.fromPem(dir.resolve("ca.pem"));
  }

  // ---- our client, openssl s_server ----

  /** A running s_server; its output is collected for assertions. */
  static final class SServer implements AutoCloseable {
    final Process process;
    final int port;
    final StringBuffer output = new StringBuffer();

    SServer(String... extra) throws Exception {
      port = freePort();
      List<String> args = new ArrayList<>(List.of("s_server", "-accept", String.valueOf(port), "-rev", "-naccept", "1"));
      args.addAll(List.of(extra));
      process = OpenSsl.start(dir, args.toArray(new String[0]));
      Thread pump = new Thread(() -> pump(process.getInputStream(), output), "s_server output");
      pump.setDaemon(true);
      pump.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!output.toString().contains("ACCEPT")) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          fail("openssl s_server did not start: " + output);
        }
        Thread.sleep(20);
      }
    }

    /**
     * Whether s_server printed {@code text} within {@code seconds}: its output reaches us through
     * a pump thread, possibly after the reply that the client already read.
     */
    boolean awaitOutput(String text, int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (!output.toString().contains(text)) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        Thread.sleep(20);
      }
      return true;
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  static void pump(InputStream in, StringBuffer out) {
    byte[] buffer = new byte[4096];
    try {
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException ignored) {
      // process ended
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Connects our client to s_server, sends a line and returns the session and reply. */
  static String[] talk(SServer server, TlsConfig config, String serverName) throws Exception {
    try (TlsConnection tls = TlsConnection.client(Client.connect("127.0.0.1:" + server.port, Transports.OPTIONS), config, serverName)) {
      tls.write(ascii("hello openssl\n"));
      ByteBuffer reply = ByteBuffer.allocate(100);
      while (reply.position() == 0 || reply.get(reply.position() - 1) != '\n') {
        if (tls.read(reply) < 0) {
          break;
        }
      }
      TlsSession session = tls.session();
      return new String[] {
        new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII),
        session.protocol(),
        session.peerPrincipal().orElseThrow().getName(),
        session.applicationProtocol()
      };
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void ourClientTalksToOpenSslServer(String protocol) throws Exception {
    String flag = protocol.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2";
    try (SServer server = new SServer(flag, "-cert", "pkcs8_ec.pem", "-key", "pkcs8_ec.key")) {
      String[] result = talk(server, TlsConfig.client().trust(openSslCa).build(), "localhost");
      assertEquals("lssnepo olleh\n", result[0]);
      assertEquals(protocol, result[1]);
      assertEquals("CN=localhost", result[2]);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void ourClientDoesMutualTlsWithOpenSslServer(String protocol) throws Exception {
    String flag = protocol.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2";
    try (SServer server = new SServer(flag, "-cert", "pkcs8_ec.pem", "-key", "pkcs8_ec.key", "-Verify", "1", "-CAfile", "ca.pem")) {
      TlsConfig config =
          TlsConfig.client().trust(openSslCa).keyMaterial(KeyMaterial.fromPem(dir.resolve("client.pem"), dir.resolve("client.key"))).build();
      String[] result = talk(server, config, "localhost");
      assertEquals("lssnepo olleh\n", result[0]);
      assertTrue(server.awaitOutput("openssl-client", 5), server.output.toString());
    }
    try (SServer server = new SServer(flag, "-cert", "pkcs8_ec.pem", "-key", "pkcs8_ec.key", "-Verify", "1", "-CAfile", "ca.pem")) {
      TlsHandshakeException e =
          assertThrows(TlsHandshakeException.class, () -> talk(server, TlsConfig.client().trust(openSslCa).build(), "localhost"));
      // Under TLS 1.2 s_server says handshake_failure; the client knows it sent no certificate.
      assertEquals(TlsHandshakeException.Reason.CLIENT_CERTIFICATE_REQUIRED, e.reason(), e.getMessage());
    }
  }

  @Test
  void ourClientSelectsAnOpenSslServerCertificateBySni() throws Exception {
    String[] args = {"-cert", "pkcs8_ec.pem", "-key", "pkcs8_ec.key", "-servername", "sni.test", "-cert2", "sni.pem", "-key2", "sni.key"};
    try (SServer server = new SServer(args)) {
      assertEquals("CN=sni.test", talk(server, TlsConfig.client().trust(openSslCa).build(), "sni.test")[2]);
    }
    try (SServer server = new SServer(args)) {
      assertEquals("CN=localhost", talk(server, TlsConfig.client().trust(openSslCa).build(), "localhost")[2]);
    }
  }

  @Test
  void ourClientNegotiatesAlpnWithOpenSslServer() throws Exception {
    try (SServer server = new SServer("-cert", "pkcs8_ec.pem", "-key", "pkcs8_ec.key", "-alpn", "h2,myproto/1")) {
      assertEquals("myproto/1", talk(server, TlsConfig.client().trust(openSslCa).alpn("myproto/1").build(), "localhost")[3]);
    }
  }

  @Test
  void ourClientRejectsOpenSslServerWithTheWrongName() throws Exception {
    try (SServer server = new SServer("-cert", "pkcs8_ec.pem", "-key", "pkcs8_ec.key")) {
      TlsHandshakeException e =
          assertThrows(TlsHandshakeException.class, () -> talk(server, TlsConfig.client().trust(openSslCa).build(), "other.test"));
      assertEquals(TlsHandshakeException.Reason.HOSTNAME_MISMATCH, e.reason());
    }
  }

  // ---- openssl s_client, our server ----

  /** Runs s_client against {@code port}, sending {@code input}; returns its output. */
  static String sClient(int port, String input, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("s_client", "-connect", "127.0.0.1:" + port, "-CAfile", "ca.pem", "-verify_return_error", "-quiet"));
    args.addAll(List.of(extra));
    Process process = OpenSsl.start(dir, args.toArray(new String[0]));
    process.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
    process.getOutputStream().flush();
    StringBuffer output = new StringBuffer();
    Thread pump = new Thread(() -> pump(process.getInputStream(), output));
    pump.setDaemon(true);
    pump.start();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("openssl s_client did not finish: " + output);
    }
    pump.join(5000);
    return output.toString();
  }

  /** Our server: reads a line, replies with what the session agreed, then closes with close_notify. */
  static Server ourServer(TlsConfig config) throws IOException {
    return Server.builder()
        .bind("127.0.0.1", 0)
        .handler(
            TlsConnection.serverHandler(
                config,
                tls -> {
                  ByteBuffer line = ByteBuffer.allocate(100);
                  while (line.position() == 0 || line.get(line.position() - 1) != '\n') {
                    if (tls.read(line) < 0) {
                      break;
                    }
                  }
                  TlsSession s = tls.session();
                  tls.write(ascii("REPLY " + s.protocol() + " alpn=" + s.applicationProtocol()
                      + " sni=" + s.requestedServerName().orElse("-")
                      + " peer=" + s.peerPrincipal().map(Object::toString).orElse("-") + "\n"));
                }))
        .start();
  }

  static List<Arguments> formatsAndProtocols() {
    List<Arguments> arguments = new ArrayList<>();
    for (Format format : Format.values()) {
      arguments.add(Arguments.of(format, "TLSv1.3"));
      arguments.add(Arguments.of(format, "TLSv1.2"));
    }
    return arguments;
  }

  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("formatsAndProtocols")
  void openSslClientTalksToOurServerWithOpenSslKeysInEveryFormat(Format format, String protocol) throws Exception {
    TlsConfig config = TlsConfig.server(KeyMaterialTest.load(dir, format)).protocols(protocol).build();
    try (Server server = ourServer(config)) {
      String flag = protocol.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2";
      String output = sClient(server.port(), "ping\n", flag, "-servername", "localhost");
      assertTrue(output.contains("REPLY " + protocol + " alpn= sni=localhost peer=-"), output);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void openSslClientDoesMutualTlsAndAlpnWithOurServer(String protocol) throws Exception {
    TlsConfig config =
        TlsConfig.server(KeyMaterialTest.load(dir, Format.PKCS8_EC))
            .clientAuth(ClientAuth.REQUIRED)
            .trust(openSslCa)
            .alpn("myproto/1", "h2")
            .protocols(protocol)
            .build();
    try (Server server = ourServer(config)) {
      String flag = protocol.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2";
      String output =
          sClient(server.port(), "ping\n", flag, "-servername", "localhost", "-cert", "client.pem", "-key", "client.key", "-alpn", "h2");
      assertTrue(output.contains("REPLY " + protocol + " alpn=h2 sni=localhost peer=CN=openssl-client"), output);
      String refused = sClient(server.port(), "ping\n", flag, "-servername", "localhost");
      assertTrue(!refused.contains("REPLY"), refused);
    }
  }

  @Test
  void openSslClientGetsTheSniCertificateFromOurServer() throws Exception {
    TlsConfig config =
        TlsConfig.server(KeyMaterialTest.load(dir, Format.PKCS8_EC))
            .sniKeyMaterial("sni.test", KeyMaterial.fromPem(dir.resolve("sni.pem"), dir.resolve("sni.key")))
            .build();
    try (Server server = ourServer(config)) {
      String output = sClient(server.port(), "ping\n", "-servername", "sni.test", "-verify_hostname", "sni.test");
      assertTrue(output.contains("REPLY TLSv1.3 alpn= sni=sni.test"), output);
      assertTrue(output.contains("CN = sni.test") || output.contains("CN=sni.test"), output);
    }
  }

  @Test
  void ourServerRefusesTls12RenegotiationFromOpenSslClient() throws Exception {
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    TlsConfig config = TlsConfig.server(KeyMaterialTest.load(dir, Format.PKCS8_EC)).build();
    try (Server server =
        Server.builder()
            .bind("127.0.0.1", 0)
            .handler(
                TlsConnection.serverHandler(
                    config,
                    tls -> {
                      try {
                        while (tls.read(ByteBuffer.allocate(100), Duration.ofSeconds(10)) >= 0) {
                          // keep reading until the renegotiation attempt
                        }
                        failure.complete(null);
                      } catch (IOException e) {
                        failure.complete(e);
                      }
                    }))
            .start()) {
      Process process =
          OpenSsl.start(dir, "s_client", "-connect", "127.0.0.1:" + server.port(), "-CAfile", "ca.pem", "-tls1_2", "-servername", "localhost");
      StringBuffer output = new StringBuffer();
      Thread pump = new Thread(() -> pump(process.getInputStream(), output));
      pump.setDaemon(true);
      pump.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!output.toString().contains("Verify return code") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(200);
      process.getOutputStream().write("R\n".getBytes(StandardCharsets.US_ASCII));
      process.getOutputStream().flush();
      Throwable t = failure.get(15, TimeUnit.SECONDS);
      process.destroyForcibly();
      assertTrue(t instanceof TlsHandshakeException, "expected a refusal, got " + t + "\n" + output);
      assertEquals(TlsHandshakeException.Reason.RENEGOTIATION_REFUSED, ((TlsHandshakeException) t).reason());
    }
  }
}
