package coursepulse.lms.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An alert's reasons in plain words: the record's {@code factors} when it has them (newer rules
 * write them for people), else its evidence with the field names spelled out ("days since
 * login: 12"). Rules are an open set, so unknown fields are shown too, never dropped.
 */
final class Reasons {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Reasons() {}

  static String of(String factorsJson, String evidenceJson) {
    List<String> parts = new ArrayList<>();
    try {
      if (factorsJson != null) {
        for (JsonNode f : JSON.readTree(factorsJson)) {
          parts.add(f.asText());
        }
      }
      if (parts.isEmpty() && evidenceJson != null) {
        Iterator<Map.Entry<String, JsonNode>> it = JSON.readTree(evidenceJson).fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!e.getValue().isNull()) {
            parts.add(words(e.getKey()) + ": " + e.getValue().asText());
          }
        }
      }
    } catch (IOException e) {
      return "(unreadable evidence)";
    }
    return String.join("; ", parts);
  }

  /** {@code daysSinceLogin} or {@code days_since_login} as "days since login". */
  static String words(String key) {
    StringBuilder b = new StringBuilder(key.length() + 4);
    for (char ch : key.toCharArray()) {
      if (ch == '_') {
        b.append(' ');
      } else if (Character.isUpperCase(ch) && b.length() > 0) {
        b.append(' ').append(Character.toLowerCase(ch));
      } else {
        b.append(ch);
      }
    }
    return b.toString().toLowerCase(Locale.ROOT);
  }

  /** A rule name such as {@code LOGIN_INACTIVE} as "login inactive". */
  static String rule(String rule) {
    return rule.toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
