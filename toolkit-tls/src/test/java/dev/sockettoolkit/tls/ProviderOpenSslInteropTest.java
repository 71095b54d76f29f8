package dev.sockettoolkit.tls;

import static dev.sockettoolkit.tls.TlsPeers.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Server;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The toolkit on Conscrypt (TLS 1.3: it cannot refuse SHA-1 under 1.2) and on Bouncy Castle JSSE
 * (TLS 1.3 and 1.2) against OpenSSL's {@code s_server} and {@code s_client}, with OpenSSL's own
 * certificates: the providers interoperate with
 * the reference implementation, not only with the JDK.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProviderOpenSslInteropTest {
  @TempDir static Path dir;
  static TrustMaterial openSslCa;

  @BeforeAll
  static void makePki() throws Exception {
    OpenSsl.require();
    OpenSsl.makeCa(dir);
    OpenSsl.run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "server.key");
    OpenSsl.signLeaf(dir, "server", "server.key", "localhost", "serverAuth", null);
    openSslCa = TrustMaterial.fromPem(dir.resolve("ca.pem"));
  }

  private static String flag(String protocol) {
    return protocol.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2";
  }

  @ParameterizedTest(name = "{0} client, {1}")
  @CsvSource({"conscrypt,TLSv1.3", "bc,TLSv1.3", "bc,TLSv1.2"})
  void ourClientOnTheProviderTalksToOpenSslServer(String provider, String protocol) throws Exception {
    int port = OpenSslInteropTest.freePort();
    Process server =
        OpenSsl.start(
            dir, "s_server", "-accept", String.valueOf(port), "-rev", "-naccept", "1", flag(protocol),
            "-cert", "server.pem", "-key", "server.key");
    StringBuffer output = new StringBuffer();
    Thread pump = new Thread(() -> OpenSslInteropTest.pump(server.getInputStream(), output));
    pump.setDaemon(true);
    pump.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!output.toString().contains("ACCEPT")) {
        if (System.nanoTime() > deadline || !server.isAlive()) {
          fail("openssl s_server did not start: " + output);
        }
        Thread.sleep(20);
      }
      TlsConfig config =
          TlsProviderTest.on(TlsConfig.client(), provider).trust(openSslCa).protocols(protocol).build();
      try (TlsConnection tls =
          TlsConnection.client(Client.connect("127.0.0.1:" + port, Transports.OPTIONS), config, "localhost")) {
        tls.write(ascii("hello openssl\n"));
        ByteBuffer reply = ByteBuffer.allocate(100);
        while (reply.position() == 0 || reply.get(reply.position() - 1) != '\n') {
          if (tls.read(reply) < 0) {
            break;
          }
        }
        assertEquals(
            "lssnepo olleh\n", new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII));
        assertEquals(protocol, tls.session().protocol());
        assertEquals("CN=localhost", tls.session().peerPrincipal().orElseThrow().getName());
      }
    } finally {
      server.destroyForcibly();
    }
  }

  @ParameterizedTest(name = "openssl client, {0} server, {1}")
  @CsvSource({"conscrypt,TLSv1.3", "bc,TLSv1.3", "bc,TLSv1.2"})
  void openSslClientTalksToOurServerOnTheProvider(String provider, String protocol) throws Exception {
    TlsConfig config =
        TlsProviderTest.on(
                TlsConfig.server(KeyMaterial.fromPem(dir.resolve("server.pem"), dir.resolve("server.key"))),
                provider)
            .protocols(protocol)
            .alpn("echo/1")
            .build();
    try (Server server = OpenSslInteropTest.ourServer(config)) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "s_client", "-connect", "127.0.0.1:" + server.port(), "-CAfile", "ca.pem",
                  "-verify_return_error", "-quiet", flag(protocol), "-servername", "localhost",
                  "-alpn", "echo/1"));
      Process client = OpenSsl.start(dir, args.toArray(new String[0]));
      client.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
      client.getOutputStream().flush();
      StringBuffer output = new StringBuffer();
      Thread pump = new Thread(() -> OpenSslInteropTest.pump(client.getInputStream(), output));
      pump.setDaemon(true);
      pump.start();
      if (!client.waitFor(20, TimeUnit.SECONDS)) {
        client.destroyForcibly();
        fail("openssl s_client did not finish: " + output);
      }
      pump.join(5000);
      assertTrue(
          output.toString().contains("REPLY " + protocol + " alpn=echo/1 sni=localhost peer=-"),
          output.toString());
    }
  }
}
