package dev.sockettoolkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void quickIsOneShortRound() {
    Settings quick = Settings.parse("--quick");
    assertTrue(quick.quick);
    assertEquals(1, quick.rounds);
    assertTrue(quick.measureMillis < Settings.parse().measureMillis);
  }

  @Test
  void largeFramesGetASmallerWindow() {
    assertEquals(128, Settings.window(64));
    assertEquals(128, Settings.window(1024));
    assertEquals(32, Settings.window(64 * 1024));
  }

  @Test
  void theResultColumnsCannotBeLeftOut() {
    assertThrows(IllegalArgumentException.class, () -> Settings.parse("--stacks=netty-nio,socket"));
    assertThrows(IllegalArgumentException.class, () -> Settings.parse("--no-such-flag"));
  }
}
