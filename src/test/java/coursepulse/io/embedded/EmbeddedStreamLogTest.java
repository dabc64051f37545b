package coursepulse.io.embedded;

import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamLogContract;

/** The {@link StreamLogContract} against the in-memory {@link EmbeddedStreamLog}. */
class EmbeddedStreamLogTest extends StreamLogContract {

  @Override
  protected StreamLog newLog() {
    return EmbeddedStreamLog.inMemory();
  }
}
