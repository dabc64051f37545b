package coursepulse.engine.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/** What a store writes into checkpoints, as bytes, and a restore from a chain of its changes. */
final class CheckpointBytes {
  private CheckpointBytes() {}

  /** The store's whole snapshot. */
  static byte[] whole(CheckpointableStore s) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    s.writeTo(new DataOutputStream(bos));
    return bos.toByteArray();
  }

  /** One checkpoint's changes, as written. */
  static byte[] payload(StoreChanges c) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    c.writeTo(new DataOutputStream(bos));
    return bos.toByteArray();
  }

  /** Restores {@code into} from a chain of changes, merged as a restore merges them. */
  static void restore(CheckpointableStore into, List<byte[]> chain) throws IOException {
    ChangeChain merged = new ChangeChain(chain);
    into.restoreChanges(merged.header(), merged.entries());
  }
}
