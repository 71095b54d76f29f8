package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustMaterialTest {

  @Test
  void pemTrustCannotBeChangedThroughItsCertificates(@TempDir Path dir) throws Exception {
    TestPki.CA.writePem(dir.resolve("ca.pem"), dir.resolve("ca.key"));
    TrustMaterial trust = TrustMaterial.fromPem(dir.resolve("ca.pem"));
    List<X509Certificate> handedOut = trust.certificates();

    assertThrows(UnsupportedOperationException.class, handedOut::clear);
    assertThrows(UnsupportedOperationException.class, () -> handedOut.add(TestPki.OTHER_CA.certificate()));
    assertEquals(List.of(TestPki.CA.certificate()), trust.certificates());

    // A config built after the attempt still trusts the CA from the file.
    TlsConfig client = TestPki.client().trust(trust).build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, client, "localhost", TestPki.server().build())) {
      tls.handshake();
      assertEquals(TestPki.SERVER.certificate(), tls.client.session().peerCertificates().get(0));
    }
  }

  @Test
  void everyFactoryHandsOutAnUnmodifiableList() {
    X509Certificate ca = TestPki.CA.certificate();
    for (TrustMaterial trust :
        List.of(TrustMaterial.of(ca), TrustMaterial.of(new java.util.ArrayList<>(List.of(ca))), TrustMaterial.system())) {
      assertThrows(UnsupportedOperationException.class, () -> trust.certificates().clear(), trust.toString());
    }
  }
}
