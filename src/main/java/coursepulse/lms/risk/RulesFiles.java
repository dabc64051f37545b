package coursepulse.lms.risk;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a {@link RulesConfig} from a rules file (YAML, or flattened {@code .properties}) and says
 * what is wrong with one in words a user can act on: the file, line and column of a syntax error,
 * the dotted field of a wrong type or a refused value, the known fields beside an unknown one, and
 * never a Java class name. The settings, their defaults and their checks are {@link RulesConfig}'s.
 */
final class RulesFiles {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          // a second 'riskScore:' section silently replaced the first, thresholds and all
          .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          // 'consecutive: 2.5' ran as 2 without a word
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

  private RulesFiles() {}

  /** {@link RulesConfig#fromYaml(InputStream)}. */
  static RulesConfig fromYaml(InputStream in) {
    try {
      return fromYaml(in.readAllBytes(), "rules file");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@link RulesConfig#fromYaml(Path)}. */
  static RulesConfig fromYaml(Path file) throws IOException {
    requireFile(file);
    return fromYaml(Files.readAllBytes(file), file.toString());
  }

  /** The JDK says only "Is a directory", without the path. */
  private static void requireFile(Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(file + ": is a directory; give a rules file (YAML or"
          + " .properties)");
    }
  }

  /**
   * Parses YAML, refusing an empty document (most likely the wrong file; leave out {@code --rules}
   * for the defaults) and explaining errors as a user can act on them: syntax errors with line
   * and column, wrong types with the field and what it should be, never a Java class name.
   */
  private static RulesConfig fromYaml(byte[] bytes, String source) {
    try {
      com.fasterxml.jackson.databind.JsonNode tree = YAML.readTree(bytes);
      if (tree == null || tree.isMissingNode() || tree.isNull() || tree.isEmpty() && tree.isObject()) {
        throw new IllegalArgumentException(
            source + " is empty: give at least one setting (e.g. 'version: my-rules-1'), or leave"
                + " out --rules to use the built-in defaults");
      }
      if (!tree.isObject()) {
        throw new IllegalArgumentException(
            source + ": expected 'key: value' settings at the top level (see docs/rules.md)");
      }
      return YAML.readValue(bytes, RulesConfig.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(explain(source, e), e);
    }
  }

  private static String explain(String source, IOException e) {
    String where = source;
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null
        && p.getLocation().getLineNr() > 0) {
      where += " line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr();
    }
    IllegalArgumentException refused = refusal(e);
    if (refused != null) {
      return "invalid " + where + ": " + refused(e, refused);
    }
    if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
      return "invalid " + where + ": unknown field '" + path(u) + "'; known here: "
          + u.getKnownPropertyIds().stream().map(String::valueOf).sorted()
              .collect(java.util.stream.Collectors.joining(", "));
    }
    if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m) {
      String value = m instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException f
          ? " (was '" + f.getValue() + "')" : "";
      return "invalid " + where + ": '" + path(m) + "' must be " + expected(m.getTargetType()) + value;
    }
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()) {
      // e.g. a number out of range of its field: say which field
      return "invalid " + where + ": '" + path(m) + "': " + firstLine(m.getOriginalMessage());
    }
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException p) {
      return "invalid " + where + ": " + firstLine(p.getOriginalMessage());
    }
    return "invalid " + where + ": " + firstLine(e.getMessage());
  }

  /**
   * The check of ours that refused a value, if one did: the outermost {@link
   * IllegalArgumentException} under Jackson's exception (its own causes, such as a date's parse
   * error, are details of it).
   */
  private static IllegalArgumentException refusal(Throwable e) {
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof IllegalArgumentException refused
          && !(t instanceof NumberFormatException)) { // a wrong type, not our check
        return refused;
      }
    }
    return null;
  }

  /** A refusal in words, after where it was when its message does not say so already. */
  private static String refused(IOException e, IllegalArgumentException refused) {
    String message = firstLine(refused.getMessage());
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()) {
      String path = path(m);
      if (!message.startsWith(path)) {
        return path + ": " + message;
      }
    }
    return message;
  }

  private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
    StringBuilder s = new StringBuilder();
    for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        s.append(s.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        s.append('[').append(r.getIndex()).append(']');
      }
    }
    return s.length() == 0 ? "(top level)" : s.toString();
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "of another kind";
    }
    if (type == Double.class || type == double.class || type == Float.class) {
      return "a number";
    }
    if (type == Integer.class || type == int.class || type == Long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "text";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a section of 'key: value' settings";
  }

  /** {@link RulesConfig#fromProperties}. */
  static RulesConfig fromProperties(java.io.Reader in) throws IOException {
    return fromProperties(in, "rules file");
  }

  private static RulesConfig fromProperties(java.io.Reader in, String source) throws IOException {
    java.util.Properties props = new java.util.Properties();
    props.load(in);
    if (props.isEmpty()) {
      throw new IllegalArgumentException(
          source + " is empty: give at least one setting (e.g. 'version=my-rules-1'), or leave"
              + " out --rules to use the built-in defaults");
    }
    com.fasterxml.jackson.databind.node.ObjectNode root = YAML.createObjectNode();
    for (String key : new java.util.TreeSet<>(props.stringPropertyNames())) {
      com.fasterxml.jackson.databind.node.ObjectNode node = root;
      String[] parts = key.split("\\.", -1);
      for (int i = 0; i < parts.length - 1; i++) {
        com.fasterxml.jackson.databind.JsonNode child = node.get(parts[i]);
        if (child != null && !child.isObject()) {
          throw new IllegalArgumentException("invalid rules file: '" + key + "' nests under a value");
        }
        node = child == null ? node.putObject(parts[i]) : (com.fasterxml.jackson.databind.node.ObjectNode) child;
      }
      node.put(parts[parts.length - 1], props.getProperty(key).trim());
    }
    try {
      return YAML.treeToValue(root, RulesConfig.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(explain(source, e), e);
    }
  }

  /** {@link RulesConfig#fromFile}. */
  static RulesConfig fromFile(Path file) throws IOException {
    requireFile(file);
    if (file.getFileName() != null && file.getFileName().toString().endsWith(".properties")) {
      try (java.io.Reader in = Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
        return fromProperties(in, file.toString());
      }
    }
    return fromYaml(file);
  }

  private static String firstLine(String s) {
    String m = String.valueOf(s);
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
