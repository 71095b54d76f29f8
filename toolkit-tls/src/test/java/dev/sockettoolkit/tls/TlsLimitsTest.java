package dev.sockettoolkit.tls;

import static dev.sockettoolkit.tls.TlsPeers.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.tls.TlsHandshakeException.Reason;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a hostile or confused peer cannot do: plaintext, garbage, oversized records, huge hellos. */
class TlsLimitsTest {

  @ParameterizedTest
  @EnumSource(value = Transports.class, names = {"IN_MEMORY", "TCP"})
  void plaintextHttpToATlsServerIsAClearHandshakeError(Transports transport) throws Exception {
    try (Transports.Pair pair = transport.open()) {
      TlsConnection server = TlsConnection.server(pair.server, TestPki.server().build());
      pair.client.write(ascii("GET / HTTP/1.1\r\nHost: example\r\n\r\n" + "x".repeat(20_000)));
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, server::handshake);
      assertEquals(Reason.NOT_TLS, e.reason());
      assertTrue(e.getMessage().contains("plaintext HTTP"), e.getMessage());
      assertTrue(e.getMessage().contains("GET / HTTP/1.1"), e.getMessage());
      assertTrue(e.getMessage().length() < 600, "diagnostics are capped: " + e.getMessage().length());
    }
  }

  @Test
  void garbageIsRejectedFromTheFirstRecordHeader() throws Exception {
    try (Transports.Pair pair = Transports.IN_MEMORY.open()) {
      TlsConnection server = TlsConnection.server(pair.server, TestPki.server().build());
      pair.client.write(ByteBuffer.wrap(new byte[] {0x00, 0x01, 0x02, (byte) 0xff}));
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, server::handshake);
      assertEquals(Reason.NOT_TLS, e.reason());
      assertTrue(e.getMessage().contains("00 01 02 ff"), e.getMessage());
    }
  }

  @Test
  void aServerThatIsNotTlsIsNamedByTheClient() throws Exception {
    try (Transports.Pair pair = Transports.IN_MEMORY.open()) {
      TlsConnection client = TlsConnection.client(pair.client, TestPki.client().build(), "localhost");
      pair.server.write(ascii("SSH-2.0-OpenSSH_9.6\r\n"));
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, client::handshake);
      assertEquals(Reason.NOT_TLS, e.reason());
      assertTrue(e.getMessage().contains("SSH-2.0"), e.getMessage());
    }
  }

  @Test
  void anOversizedRecordIsRejectedBeforeItIsBuffered() throws Exception {
    try (Transports.Pair pair = Transports.IN_MEMORY.open()) {
      TlsConnection server = TlsConnection.server(pair.server, TestPki.server().build());
      pair.client.write(ByteBuffer.wrap(new byte[] {0x16, 0x03, 0x01, (byte) 0xff, (byte) 0xff}));
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, server::handshake);
      assertTrue(e.getMessage().contains("65535"), e.getMessage());
    }
  }

  @Test
  void aHugeClientHelloFailsFastWithoutBufferingIt() throws Exception {
    // A ClientHello claiming 16 MB: the engine refuses the length at once.
    try (Transports.Pair pair = Transports.IN_MEMORY.open()) {
      TlsConnection server = TlsConnection.server(pair.server, TestPki.server().build());
      pair.client.write(ByteBuffer.wrap(new byte[] {0x16, 0x03, 0x01, 0x00, 0x04, 0x01, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, server::handshake);
      assertEquals(Reason.OTHER, e.reason(), e.getMessage());
    }
  }

  @Test
  void handshakeInputIsCappedEvenWhenTheEngineWouldBufferIt() throws Exception {
    // A 30,000-byte ClientHello (under the JDK's own 32 KiB message limit) in 1,000-byte records:
    // the engine would reassemble it; maxHandshakeBytes cuts it off first.
    try (Transports.Pair pair = Transports.IN_MEMORY.open()) {
      TlsConnection server = TlsConnection.server(pair.server, TestPki.server().maxHandshakeBytes(16 * 1024).build());
      CompletableFuture<Void> flood =
          TlsPeers.async(
              () -> {
                try {
                  for (int i = 0; i < 31; i++) {
                    byte[] record = new byte[5 + 1000];
                    record[0] = 0x16;
                    record[1] = 0x03;
                    record[2] = 0x01;
                    record[3] = (byte) (1000 >> 8);
                    record[4] = (byte) 1000;
                    if (i == 0) {
                      record[5] = 0x01; // ClientHello
                      record[6] = 0x00;
                      record[7] = (byte) (30_000 >> 8);
                      record[8] = (byte) 30_000;
                      record[9] = 0x03;
                      record[10] = 0x03;
                    }
                    pair.client.write(ByteBuffer.wrap(record));
                  }
                } catch (java.io.IOException expected) {
                  // the server hung up
                }
                return null;
              });
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, server::handshake);
      assertEquals(Reason.LIMIT_EXCEEDED, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("maxHandshakeBytes"), e.getMessage());
      pair.client.abort();
      TlsPeers.await(flood);
    }
  }

  @Test
  void anAttackerAppendedPinnedCertificateDoesNotSatisfyThePin() throws Exception {
    // A chain that validates (issued by CA) but with an unrelated pinned certificate appended.
    IssuedCertificate pinned = TestPki.OTHER_CA.issue().dns("localhost").issue();
    java.util.List<java.security.cert.X509Certificate> chain = new java.util.ArrayList<>(TestPki.SERVER.chain());
    chain.add(pinned.certificate());
    KeyMaterial sneaky = KeyMaterial.of(TestPki.SERVER.privateKey(), chain);
    TlsConfig client = TestPki.client().pinSha256(pinned.publicKeySha256()).build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, client, "localhost", TlsConfig.server(sneaky).build()).startServer()) {
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, tls.client::handshake);
      assertEquals(Reason.PIN_MISMATCH, e.reason(), e.getMessage());
    }
  }

  @Test
  void aHandshakeRecordAfterATls12HandshakeIsRefusedAsRenegotiation() throws Exception {
    TlsConfig client = TestPki.client().protocols("TLSv1.2").build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, client, "localhost", TestPki.server().build())) {
      tls.handshake();
      // A (ciphertext) handshake record as a renegotiating client would send it.
      tls.pair.client.write(ByteBuffer.wrap(new byte[] {0x16, 0x03, 0x03, 0x00, 0x20, 1, 2, 3, 4, 5, 6, 7, 8,
          9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}));
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, () -> tls.server.read(ByteBuffer.allocate(10)));
      assertEquals(Reason.RENEGOTIATION_REFUSED, e.reason(), e.getMessage());
    }
  }

  @Test
  void garbageAfterTheHandshakeFailsTheConnectionWithoutLooping() throws Exception {
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, TestPki.client().build(), "localhost", TestPki.server().build())) {
      tls.handshake();
      byte[] record = new byte[5 + 100];
      record[0] = 0x17;
      record[1] = 0x03;
      record[2] = 0x03;
      record[4] = 100;
      tls.pair.client.write(ByteBuffer.wrap(record));
      java.io.IOException e = assertThrows(java.io.IOException.class, () -> tls.server.read(ByteBuffer.allocate(10)));
      assertTrue(e.getMessage().contains("TLS"), e.getMessage());
      assertThrows(java.io.IOException.class, () -> tls.server.read(ByteBuffer.allocate(10)));
    }
  }
}
