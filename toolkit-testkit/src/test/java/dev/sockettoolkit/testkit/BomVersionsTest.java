package dev.sockettoolkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The BOM tells users the JUnit and jqwik versions the testkit is built against: they must be the
 * ones the build really uses (the parent's properties), or a user would run the conformance suites
 * on versions nobody tested.
 */
class BomVersionsTest {
  private static String property(Path pom, String name) throws Exception {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(pom));
    if (!m.find()) {
      throw new AssertionError(pom + " has no property " + name);
    }
    return m.group(1).trim();
  }

  @Test
  void theBomManagesTheJunitAndJqwikTheBuildUses() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path parent = root.resolve("pom.xml");
    Path bom = root.resolve("toolkit-bom/pom.xml");
    for (String name : new String[] {"junit.version", "jqwik.version"}) {
      assertEquals(property(parent, name), property(bom, name), name + " in toolkit-bom/pom.xml");
    }
  }
}
