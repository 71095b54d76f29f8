package dev.sockettoolkit.testkit.internal;

import dev.sockettoolkit.testkit.Chunking;
import dev.sockettoolkit.testkit.Generators;
import dev.sockettoolkit.testkit.NetworkConditions;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.providers.ArbitraryProvider;
import net.jqwik.api.providers.TypeUsage;

/**
 * Lets jqwik fill {@code @ForAll Chunking} and {@code @ForAll NetworkConditions} parameters from
 * {@link Generators}. Found by jqwik through {@code ServiceLoader}; not part of the API.
 */
public final class TestkitArbitraryProvider implements ArbitraryProvider {
  /** Called by {@code ServiceLoader}. */
  public TestkitArbitraryProvider() {}

  @Override
  public boolean canProvideFor(TypeUsage targetType) {
    return targetType.isOfType(Chunking.class) || targetType.isOfType(NetworkConditions.class);
  }

  @Override
  public Set<Arbitrary<?>> provideFor(TypeUsage targetType, SubtypeProvider subtypeProvider) {
    if (targetType.isOfType(Chunking.class)) {
      return Set.of(Generators.chunkings());
    }
    return Set.of(Generators.networkConditions());
  }
}
