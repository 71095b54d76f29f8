package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.TimeSource;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * A native engine (Conscrypt) gets direct ciphertext buffers, which it and the socket use in
 * place; the JDK's and Bouncy Castle's, which work on arrays, get heap ones.
 */
class CiphertextBuffersTest {

  @Test
  void onlyConscryptCountsAsNative() {
    assertFalse(TlsProviders.isNative(null));
    assertFalse(TlsProviders.isNative(TlsProviderTest.provider("bc")));
    assertTrue(TlsProviders.isNative(TlsProviderTest.provider("conscrypt")));
  }

  @Test
  void aNativeEngineBorrowsDirectBuffersOfFourRecords() throws Exception {
    SSLEngine engine = SSLContext.getDefault().createSSLEngine();
    engine.setUseClientMode(true);
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      TlsState nativeState = new TlsState(pair.client(), engine, TimeSource.system(), false, true);
      TlsState heapState = new TlsState(pair.client(), engine, TimeSource.system(), false, false);
      ByteBuffer direct = nativeState.borrowCiphertext();
      ByteBuffer heap = heapState.borrowCiphertext();
      try {
        assertTrue(direct.isDirect());
        assertFalse(heap.isDirect());
        assertEquals(4 * TlsRecords.MAX_RECORD_LENGTH, direct.capacity());
        assertEquals(direct.capacity(), direct.remaining());
      } finally {
        nativeState.giveBack(direct);
        heapState.giveBack(heap);
      }
    }
  }
}
