package coursepulse.cli;

import coursepulse.engine.log.OffsetSpec;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where {@code reset} told an application to start: {@code reset-offsets.properties} in the
 * application's state directory, one {@code stream=nextOffset} line per input. {@code process}
 * uses it while there is no checkpoint (a checkpoint always wins) and deletes it once its own
 * first checkpoint has taken over, or at a clean stop.
 */
final class ResetMarker {
  static final String FILE_NAME = "reset-offsets.properties";

  private ResetMarker() {}

  static Path file(Path stateDir, String applicationId) {
    return stateDir.resolve(applicationId).resolve(FILE_NAME);
  }

  static void write(Path stateDir, String applicationId, Map<String, Long> nextOffsets)
      throws IOException {
    Path f = file(stateDir, applicationId);
    Files.createDirectories(f.getParent());
    Properties p = new Properties();
    new TreeMap<>(nextOffsets).forEach((k, v) -> p.setProperty(k, Long.toString(v)));
    Path tmp = f.resolveSibling(FILE_NAME + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp)) {
      p.store(w, "written by 'coursepulse reset': next offset per input stream");
    }
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The start positions of the marker; empty when there is none. */
  static Map<String, OffsetSpec> read(Path stateDir, String applicationId) throws IOException {
    Path f = file(stateDir, applicationId);
    Map<String, OffsetSpec> out = new LinkedHashMap<>();
    if (!Files.exists(f)) {
      return out;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f)) {
      p.load(r);
    }
    for (String k : new TreeMap<>(p).keySet().stream().map(Object::toString).toList()) {
      out.put(k, OffsetSpec.offset(Long.parseLong(p.getProperty(k).trim())));
    }
    return out;
  }

  static void delete(Path stateDir, String applicationId) throws IOException {
    Files.deleteIfExists(file(stateDir, applicationId));
  }
}
