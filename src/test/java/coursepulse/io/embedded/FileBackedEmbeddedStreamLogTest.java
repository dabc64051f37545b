package coursepulse.io.embedded;

import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamLogContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link StreamLogContract} against a file-backed {@link EmbeddedStreamLog}, with small
 * segments so that the bulk test rolls over several segment files.
 */
class FileBackedEmbeddedStreamLogTest extends StreamLogContract {

  @TempDir Path directory;

  @Override
  protected StreamLog newLog() {
    return EmbeddedStreamLog.builder().directory(directory).segmentBytes(64 << 10).build();
  }
}
