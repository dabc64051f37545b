package coursepulse.lms.risk;

import coursepulse.engine.Serde;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The declared weight of each assignment of one course (its share of the final grade, in percent,
 * from {@code assignment_created.weight}), by the assignment's index in the course's schedule:
 * what {@code earnedShare} and the weighted score compare against. A weight the feed did not give
 * is unknown ({@link #UNKNOWN}); then the assignments count equally. Kept in its own store ({@link
 * #STORE}, format byte 1), beside the roster's schedule, so the roster's state format is unchanged;
 * a checkpoint without it (older builds) restores with every weight unknown.
 */
final class AssignmentWeights {
  static final String STORE = "risk-assignment-weights";
  static final double UNKNOWN = -1;
  static final AssignmentWeights NONE = new AssignmentWeights(new double[0]);
  private static final byte FORMAT = 1;

  private final double[] weights;

  AssignmentWeights(double[] weights) {
    this.weights = weights;
  }

  /** The weight of assignment {@code index}, or {@link #UNKNOWN}. */
  double weight(int index) {
    return index < weights.length ? weights[index] : UNKNOWN;
  }

  /** A copy with assignment {@code index} weighted {@code weight} (null or negative: unknown). */
  AssignmentWeights with(int index, Double weight) {
    double[] w = Arrays.copyOf(weights, Math.max(weights.length, index + 1));
    Arrays.fill(w, weights.length, w.length, UNKNOWN);
    w[index] = weight == null || !(weight >= 0) ? UNKNOWN : weight;
    return new AssignmentWeights(w);
  }

  static final Serde<AssignmentWeights> SERDE =
      new Serde<>() {
        @Override
        public byte[] serialize(AssignmentWeights a) {
          ByteBuffer b = ByteBuffer.allocate(1 + 4 + 8 * a.weights.length);
          b.put(FORMAT).putInt(a.weights.length);
          for (double w : a.weights) {
            b.putDouble(w);
          }
          return b.array();
        }

        @Override
        public AssignmentWeights deserialize(byte[] bytes) {
          ByteBuffer b = ByteBuffer.wrap(bytes);
          if (bytes.length < 5 || b.get() != FORMAT) {
            throw new IllegalArgumentException("unknown assignment weights format");
          }
          double[] w = new double[b.getInt()];
          for (int i = 0; i < w.length; i++) {
            w[i] = b.getDouble();
          }
          return new AssignmentWeights(w);
        }
      };
}
