package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.tls.TlsHandshakeException.Reason;
import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** A client whose first record is an alert is reported by the alert's name, never as plaintext. */
class TlsRecordsProperties {

  @Property
  void aFirstAlertIsNamedWithItsDescriptionOnceItsTwoBytesAreIn(
      @ForAll @IntRange(min = 0, max = 255) int level,
      @ForAll @IntRange(min = 0, max = 255) int description,
      @ForAll @IntRange(min = 0, max = 4) int minor) throws Exception {
    byte[] record = {0x15, 0x03, (byte) minor, 0x00, 0x02, (byte) level, (byte) description};
    for (int n = 0; n < record.length; n++) {
      assertEquals(-1, TlsRecords.completeRecordLength(ByteBuffer.wrap(record, 0, n), true, false, "peer"));
    }
    TlsHandshakeException e =
        assertThrows(
            TlsHandshakeException.class,
            () -> TlsRecords.completeRecordLength(ByteBuffer.wrap(record), true, false, "peer"));
    String named = "alert " + TlsRecords.alertName(description) + " (" + description + ")";
    assertTrue(e.getMessage().contains(named), e.getMessage());
    assertTrue(e.getMessage().contains(TlsRecords.alertLevel(level)), e.getMessage());
    assertFalse(e.getMessage().contains("not a TLS record"), e.getMessage());
    assertTrue(e.reason() != Reason.NOT_TLS, e.getMessage());
  }

  @Property
  void anyFirstRecordOfTypeAlertIsEitherNamedOrNotTlsNeverPending(
      @ForAll @Size(min = 7, max = 40) byte[] bytes) {
    bytes[0] = 0x15;
    TlsHandshakeException e =
        assertThrows(
            TlsHandshakeException.class,
            () -> TlsRecords.completeRecordLength(ByteBuffer.wrap(bytes), true, false, "peer"));
    boolean validHeader = bytes[1] == 3 && (bytes[2] & 0xff) <= 4 && bytes[3] == 0 && bytes[4] == 2;
    if (validHeader) {
      assertTrue(e.getMessage().contains("sent a TLS alert instead of a ClientHello"), e.getMessage());
    } else {
      assertEquals(Reason.NOT_TLS, e.reason(), e.getMessage());
    }
  }

  @Property
  void theAlertCheckLooksOnlyAtTheRecordItStartsAt(
      @ForAll @Size(max = 20) byte[] before, @ForAll @IntRange(min = 0, max = 255) int description)
      throws Exception {
    ByteBuffer buffer = ByteBuffer.allocate(before.length + 7);
    buffer.put(before).put(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, (byte) description}).flip();
    buffer.position(before.length);
    TlsHandshakeException e =
        assertThrows(
            TlsHandshakeException.class,
            () -> TlsRecords.completeRecordLength(buffer, true, false, "peer"));
    assertTrue(e.getMessage().contains("fatal alert " + TlsRecords.alertName(description)), e.getMessage());
    assertEquals(before.length, buffer.position());
  }

  @Property
  void anyBytesAreAClientCertificateMessageOrNotWithoutFailingOrMoving(@ForAll @Size(max = 64) byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int result = TlsRecords.clientCertificateMessage(buffer);
    assertTrue(result == TlsRecords.NO_CERTIFICATE_MESSAGE || result == TlsRecords.EMPTY_CERTIFICATE
        || result == TlsRecords.CERTIFICATES);
    assertEquals(0, buffer.position());
  }

  @Property
  void aCertificateMessageIsFoundAndItsEmptinessRead(
      @ForAll @IntRange(min = 0, max = 3) int minor,
      @ForAll @IntRange(min = 0, max = 0xffffff) int listLength,
      @ForAll @Size(max = 16) byte[] rest) {
    ByteBuffer flight = ByteBuffer.allocate(12 + rest.length);
    flight.put(new byte[] {0x16, 0x03, (byte) minor, 0x00, 0x10, 0x0b, 0x00, 0x00, 0x03});
    flight.put((byte) (listLength >> 16)).put((byte) (listLength >> 8)).put((byte) listLength).put(rest).flip();
    assertEquals(listLength == 0 ? TlsRecords.EMPTY_CERTIFICATE : TlsRecords.CERTIFICATES,
        TlsRecords.clientCertificateMessage(flight));
    // Another handshake message (a ClientKeyExchange, 16) or an encrypted record is not one.
    flight.put(5, (byte) 0x10);
    assertEquals(TlsRecords.NO_CERTIFICATE_MESSAGE, TlsRecords.clientCertificateMessage(flight));
    flight.put(5, (byte) 0x0b).put(0, (byte) 0x17);
    assertEquals(TlsRecords.NO_CERTIFICATE_MESSAGE, TlsRecords.clientCertificateMessage(flight));
    // Too short to tell.
    assertEquals(TlsRecords.NO_CERTIFICATE_MESSAGE, TlsRecords.clientCertificateMessage(ByteBuffer.wrap(new byte[11])));
  }
}
