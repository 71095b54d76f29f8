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
}
