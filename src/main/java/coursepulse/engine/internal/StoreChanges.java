package coursepulse.engine.internal;

import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What changed in one store since its previous checkpoint, taken on the task thread in time
 * proportional to the changes and written later on the checkpointer's thread (see {@link
 * CheckpointableStore#takeChanges}).
 *
 * <p>Written form, shared by every incremental store so that {@link ChangeChain} can merge a
 * chain of them without knowing the store: the store's header (metadata; the newest in a chain
 * wins), an optional {@code dropBelow} key (entries whose key sorts below it are gone, e.g. expired
 * windows), then the changed entries in unsigned key order, a removed key with length -1.
 */
public abstract class StoreChanges {

  /** Whether nothing changed: a checkpoint with only empty changes and unmoved positions is skipped. */
  public abstract boolean isEmpty();

  /** Writes the changes in key order; runs on the checkpointer's thread. */
  public abstract void writeTo(DataOutput out) throws IOException;

  /**
   * Changes that are already bytes: the map is owned by the result (the store starts a new one),
   * its values are never modified afterwards; a null value is a removed key.
   */
  public static StoreChanges of(byte[] header, byte[] dropBelow, Map<Bytes, byte[]> changed) {
    return new StoreChanges() {
      @Override
      public boolean isEmpty() {
        return changed.isEmpty();
      }

      @Override
      public void writeTo(DataOutput out) throws IOException {
        write(out, header, dropBelow, changed);
      }
    };
  }

  /** Writes the shared form; sorts the keys (off the task thread). */
  static void write(DataOutput out, byte[] header, byte[] dropBelow, Map<Bytes, byte[]> changed)
      throws IOException {
    InMemoryKeyValueStore.writeBytes(out, header == null ? new byte[0] : header);
    writeNullable(out, dropBelow);
    List<Bytes> keys = new ArrayList<>(changed.keySet());
    keys.sort(null);
    out.writeInt(keys.size());
    for (Bytes k : keys) {
      InMemoryKeyValueStore.writeBytes(out, k.get());
      writeNullable(out, changed.get(k));
    }
  }

  static void writeNullable(DataOutput out, byte[] b) throws IOException {
    if (b == null) {
      out.writeInt(-1);
    } else {
      InMemoryKeyValueStore.writeBytes(out, b);
    }
  }

  /** A copy when {@code serialized} may be the caller's own array (an identity serde of byte[]). */
  static byte[] owned(Object value, byte[] serialized) {
    return value instanceof byte[] ? serialized.clone() : serialized;
  }
}
