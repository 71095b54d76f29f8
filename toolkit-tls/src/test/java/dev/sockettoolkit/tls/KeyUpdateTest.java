package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Security;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TLS 1.3 KeyUpdate during bulk transfer in both directions. Runs in its own JVM (the {@code
 * key-update} surefire execution) whose {@code jdk.tls.keyLimits} rotates keys every 64 KiB.
 */
class KeyUpdateTest {
  /**
   * A KeyUpdate record is tiny (the JDK's is 38 bytes: message, inner type, padding, tag); the
   * bulk data below goes in 8 KiB writes, so every small record is a KeyUpdate.
   */
  private static boolean isKeyUpdate(int fragmentLength) {
    return fragmentLength >= 22 && fragmentLength <= 64;
  }

  private static long sendLarge(TlsConnection connection, int size, long seed) throws Exception {
    java.util.Random random = new java.util.Random(seed);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    byte[] chunk = new byte[8192];
    for (int sent = 0; sent < size; sent += chunk.length) {
      random.nextBytes(chunk);
      crc.update(chunk);
      connection.write(java.nio.ByteBuffer.wrap(chunk));
    }
    return crc.getValue();
  }

  @Test
  void runsWithSmallKeyLimits() {
    assertTrue(String.valueOf(Security.getProperty("jdk.tls.keyLimits")).contains("2^16"),
        "this test must run in the key-update execution: " + Security.getProperty("jdk.tls.keyLimits"));
  }

  @ParameterizedTest
  @EnumSource(value = Transports.class, names = {"IN_MEMORY", "TCP"})
  void bulkTransferInBothDirectionsSurvivesFrequentKeyUpdates(Transports transport) throws Exception {
    int size = 4 << 20;
    try (Transports.Pair pair = transport.open()) {
      RecordCountingConnection clientSide = new RecordCountingConnection(pair.client, KeyUpdateTest::isKeyUpdate);
      RecordCountingConnection serverSide = new RecordCountingConnection(pair.server, KeyUpdateTest::isKeyUpdate);
      TlsConnection client = TlsConnection.client(clientSide, TestPki.client().build(), "localhost");
      TlsConnection server = TlsConnection.server(serverSide, TestPki.server().build());
      CompletableFuture<Void> serverHandshake = TlsPeers.async(() -> { server.handshake(); return null; });
      client.handshake();
      TlsPeers.await(serverHandshake);
      assertEquals("TLSv1.3", client.session().protocol());
      int before = clientSide.records.get() + serverSide.records.get();
      CompletableFuture<Long> serverSent = TlsPeers.async(() -> sendLarge(server, size, 11));
      CompletableFuture<Long> serverReceived = TlsPeers.async(() -> TlsConnectionTest.receive(server, size));
      CompletableFuture<Long> clientReceived = TlsPeers.async(() -> TlsConnectionTest.receive(client, size));
      long clientSent = sendLarge(client, size, 12);
      assertEquals(clientSent, (long) TlsPeers.await(serverReceived));
      assertEquals(TlsPeers.await(serverSent), TlsPeers.await(clientReceived));
      int keyUpdates = clientSide.records.get() + serverSide.records.get() - before;
      // 4 MiB each way at one update per 64 KiB: about 64 per direction, plus the answers.
      assertTrue(keyUpdates >= 64, "key updates seen: " + keyUpdates);
      client.close();
      server.close();
    }
  }
}
