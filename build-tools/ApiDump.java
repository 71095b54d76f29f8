import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes or checks a module's public API report: every public and protected type and member of
 * the packages its {@code module-info.class} exports to everyone, one line each, sorted.
 *
 * <p>Run by the build (exec-maven-plugin, phase verify) as a single-file program, so it needs no
 * build module, no plugin and no dependency: {@code java -cp <compile class path> ApiDump.java
 * <classes dir> <report file> <update: true|false> <artifactId>}. The compile class path must hold
 * the module's classes and its dependencies: classes are loaded without being initialized, and
 * only read by reflection.
 *
 * <p>Exit status 0 when the report matches (or was updated), 1 when the API changed and the report
 * was not updated, 2 on a usage error.
 */
public final class ApiDump {
  private static final String UPDATE_HINT =
      "mvn -B verify -DskipTests -Dapi.update=true   (add -pl %s -am for this module alone)";

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println(
          "usage: java -cp <class path> ApiDump.java <classes dir> <report> <update> <artifactId>");
      System.exit(2);
    }
    Path classes = Path.of(args[0]);
    Path report = Path.of(args[1]);
    boolean update = Boolean.parseBoolean(args[2]);
    String artifactId = args[3];

    String actual = dump(classes, artifactId);
    String expected = Files.exists(report) ? Files.readString(report, StandardCharsets.UTF_8) : null;
    if (actual.equals(expected)) {
      System.out.println("[api] " + report + " matches the public API");
      return;
    }
    if (update) {
      Files.createDirectories(report.getParent());
      Files.writeString(report, actual, StandardCharsets.UTF_8);
      System.out.println("[api] UPDATED " + report + ": commit it, with a CHANGELOG.md entry");
      return;
    }
    System.err.println();
    if (expected == null) {
      System.err.println("[api] " + artifactId + " has no API report yet: " + report);
    } else {
      System.err.println("[api] The public API of " + artifactId + " changed, and " + report);
      System.err.println("[api] was not updated. Lines only in the committed report (-), only in the");
      System.err.println("[api] compiled classes (+):");
      printDifference(expected, actual);
    }
    System.err.println("[api] If the change is intended, update the report with");
    System.err.println("[api]   " + String.format(UPDATE_HINT, artifactId));
    System.err.println("[api] and commit it with a CHANGELOG.md entry (docs/VERSIONING.md).");
    System.exit(1);
  }

  /** Prints, type by type, the lines only in {@code expected} (-) and only in {@code actual} (+). */
  private static void printDifference(String expected, String actual) {
    List<String[]> before = withOwners(expected);
    List<String[]> after = withOwners(actual);
    Set<String> beforeKeys = before.stream().map(ApiDump::key).collect(Collectors.toSet());
    Set<String> afterKeys = after.stream().map(ApiDump::key).collect(Collectors.toSet());
    TreeMap<String, List<String>> changes = new TreeMap<>();
    before.stream().filter(l -> !afterKeys.contains(key(l)))
        .forEach(l -> changes.computeIfAbsent(l[0], k -> new ArrayList<>()).add("  - " + l[1]));
    after.stream().filter(l -> !beforeKeys.contains(key(l)))
        .forEach(l -> changes.computeIfAbsent(l[0], k -> new ArrayList<>()).add("  + " + l[1]));
    changes.forEach((owner, lines) -> {
      System.err.println("  " + owner);
      lines.forEach(System.err::println);
    });
  }

  /** Each line of a report with the declaration it belongs to: {owner, line}. */
  private static List<String[]> withOwners(String report) {
    List<String[]> lines = new ArrayList<>();
    String owner = "";
    for (String line : report.lines().collect(Collectors.toList())) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (!line.startsWith(" ")) {
        owner = line;
      }
      lines.add(new String[] {owner, line});
    }
    return lines;
  }

  private static String key(String[] ownerAndLine) {
    return ownerAndLine[0] + "\n" + ownerAndLine[1];
  }

  static String dump(Path classes, String artifactId) throws IOException {
    ModuleDescriptor module;
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      module = ModuleDescriptor.read(in);
    }
    StringBuilder out = new StringBuilder();
    out.append("# The public API of ").append(artifactId).append(", written by build-tools/ApiDump.java.\n");
    out.append("# Checked by mvn verify; after an intended change: ")
        .append(String.format(UPDATE_HINT, artifactId)).append('\n');
    out.append('\n');
    out.append("module ").append(module.name()).append('\n');
    TreeSet<String> exported = new TreeSet<>();
    TreeSet<String> moduleLines = new TreeSet<>();
    for (ModuleDescriptor.Exports e : module.exports()) {
      if (!e.isQualified()) {
        exported.add(e.source());
        moduleLines.add("exports " + e.source());
      }
    }
    for (ModuleDescriptor.Requires r : module.requires()) {
      if (r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)) {
        moduleLines.add("requires transitive " + r.name());
      }
    }
    moduleLines.forEach(l -> out.append("  ").append(l).append('\n'));

    ClassLoader loader = ApiDump.class.getClassLoader();
    TreeMap<String, List<String>> types = new TreeMap<>();
    for (String pkg : exported) {
      Path dir = classes.resolve(pkg.replace('.', '/'));
      List<String> names;
      try (Stream<Path> files = Files.list(dir)) {
        names =
            files
                .map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith(".class") && !n.contains("$") && !n.equals("package-info.class"))
                .map(n -> pkg + "." + n.substring(0, n.length() - ".class".length()))
                .sorted()
                .collect(Collectors.toList());
      }
      for (String name : names) {
        Class<?> type;
        try {
          type = Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
          throw new IllegalStateException("cannot load " + name + " from " + classes + ": " + e, e);
        }
        if (Modifier.isPublic(type.getModifiers())) {
          addType(type, types);
        }
      }
    }
    types.values().forEach(lines -> {
      out.append('\n');
      lines.forEach(l -> out.append(l).append('\n'));
    });
    return out.toString();
  }

  /** The type's declaration line, then its members, then its accessible member types. */
  private static void addType(Class<?> type, TreeMap<String, List<String>> types) {
    List<String> lines = new ArrayList<>();
    lines.add(declaration(type));
    // Protected members of a type no one outside can extend are not reachable: not API.
    boolean extensible = !Modifier.isFinal(type.getModifiers()) && !type.isEnum() && !type.isRecord();
    // Sorted by member name (constructors first), then by the whole line.
    TreeMap<String, String> members = new TreeMap<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      // Public members inherited from a superclass outside the API are API of this type.
      if (c != type && Modifier.isPublic(c.getModifiers())) {
        break;
      }
      String from = c == type ? "" : "   // from " + c.getName();
      for (Field f : c.getDeclaredFields()) {
        if (visible(f.getModifiers(), extensible) && !f.isSynthetic()) {
          add(members, f.getName(),
              modifiers(f.getModifiers() & Modifier.fieldModifiers() & ~Modifier.TRANSIENT & ~Modifier.VOLATILE)
                  + name(f.getGenericType()) + " " + f.getName() + from);
        }
      }
      if (c == type) {
        for (Constructor<?> k : c.getDeclaredConstructors()) {
          if (visible(k.getModifiers(), extensible) && !k.isSynthetic()) {
            add(members, "<init>", modifiers(k.getModifiers() & Modifier.constructorModifiers())
                + spaced(typeParameters(k.getTypeParameters())) + type.getName()
                + parameters(k) + exceptions(k));
          }
        }
      }
      for (Method m : c.getDeclaredMethods()) {
        if (visible(m.getModifiers(), extensible) && !m.isSynthetic() && !m.isBridge()) {
          int mods = m.getModifiers() & Modifier.methodModifiers() & ~Modifier.SYNCHRONIZED
              & ~Modifier.NATIVE & ~Modifier.STRICT;
          String prefix = modifiers(mods) + (m.isDefault() ? "default " : "");
          String defaultValue =
              m.getDefaultValue() == null ? "" : " default " + literal(m.getDefaultValue());
          add(members, m.getName(), prefix + spaced(typeParameters(m.getTypeParameters())) + name(m.getGenericReturnType())
              + " " + m.getName() + parameters(m) + exceptions(m) + defaultValue + from);
        }
      }
    }
    members.values().forEach(m -> lines.add("  " + m));
    types.put(type.getName(), lines);
    for (Class<?> nested : type.getDeclaredClasses()) {
      if (visible(nested.getModifiers(), extensible)) {
        addType(nested, types);
      }
    }
  }

  private static void add(TreeMap<String, String> members, String name, String line) {
    members.put(name + " " + line, line);
  }

  private static boolean visible(int modifiers, boolean extensible) {
    return Modifier.isPublic(modifiers) || (extensible && Modifier.isProtected(modifiers));
  }

  private static String declaration(Class<?> type) {
    int mods = type.getModifiers() & Modifier.classModifiers();
    String kind;
    if (type.isAnnotation()) {
      kind = "@interface";
      mods &= ~(Modifier.ABSTRACT | Modifier.INTERFACE);
    } else if (type.isInterface()) {
      kind = "interface";
      mods &= ~(Modifier.ABSTRACT | Modifier.INTERFACE);
    } else if (type.isEnum()) {
      kind = "enum";
      mods &= ~(Modifier.FINAL | Modifier.ABSTRACT);
    } else if (type.isRecord()) {
      kind = "record";
      mods &= ~Modifier.FINAL;
    } else {
      kind = "class";
    }
    StringBuilder line = new StringBuilder(modifiers(mods));
    if (type.isSealed()) {
      line.append("sealed ");
    }
    line.append(kind).append(' ').append(type.getName())
        .append(typeParameters(type.getTypeParameters()));
    Type superclass = type.getGenericSuperclass();
    if (superclass != null && !type.isEnum() && !type.isRecord() && superclass != Object.class) {
      line.append(" extends ").append(name(superclass));
    }
    Type[] interfaces = type.getGenericInterfaces();
    if (type.isAnnotation()) {
      interfaces = new Type[0];
    }
    if (interfaces.length > 0) {
      line.append(type.isInterface() ? " extends " : " implements ")
          .append(Arrays.stream(interfaces).map(ApiDump::name).collect(Collectors.joining(", ")));
    }
    if (type.isSealed()) {
      line.append(" permits ").append(Arrays.stream(type.getPermittedSubclasses())
          .map(Class::getName).sorted().collect(Collectors.joining(", ")));
    }
    return line.toString();
  }

  private static String modifiers(int modifiers) {
    String text = Modifier.toString(modifiers);
    return text.isEmpty() ? "" : text + " ";
  }

  private static String typeParameters(TypeVariable<?>[] variables) {
    if (variables.length == 0) {
      return "";
    }
    return Arrays.stream(variables)
        .map(v -> {
          List<Type> bounds = Arrays.stream(v.getBounds()).filter(b -> b != Object.class).collect(Collectors.toList());
          return bounds.isEmpty()
              ? v.getName()
              : v.getName() + " extends " + bounds.stream().map(ApiDump::name).collect(Collectors.joining(" & "));
        })
        .collect(Collectors.joining(", ", "<", ">"));
  }

  private static String spaced(String text) {
    return text.isEmpty() ? "" : text + " ";
  }

  private static String parameters(Executable e) {
    Type[] types = e.getGenericParameterTypes();
    // Inner class constructors and enum constructors may report fewer generic than raw parameters.
    if (types.length != e.getParameterCount()) {
      types = e.getParameterTypes();
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < types.length; i++) {
      String name = name(types[i]);
      if (e.isVarArgs() && i == types.length - 1 && name.endsWith("[]")) {
        name = name.substring(0, name.length() - 2) + "...";
      }
      names.add(name);
    }
    return names.stream().collect(Collectors.joining(", ", "(", ")"));
  }

  private static String exceptions(Executable e) {
    Type[] thrown = e.getGenericExceptionTypes();
    if (thrown.length == 0) {
      return "";
    }
    return " throws " + Arrays.stream(thrown).map(ApiDump::name).sorted().collect(Collectors.joining(", "));
  }

  private static String name(Type type) {
    return type.getTypeName();
  }

  private static String literal(Object value) {
    if (value instanceof String) {
      return "\"" + value + "\"";
    }
    if (value.getClass().isArray()) {
      int n = java.lang.reflect.Array.getLength(value);
      List<String> items = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        items.add(literal(java.lang.reflect.Array.get(value, i)));
      }
      return items.stream().collect(Collectors.joining(", ", "{", "}"));
    }
    if (value instanceof Class) {
      return ((Class<?>) value).getName() + ".class";
    }
    return String.valueOf(value);
  }

  private ApiDump() {}
}
