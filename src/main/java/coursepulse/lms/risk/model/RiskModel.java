package coursepulse.lms.risk.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A student's risk in a course from their features: logistic regression over standardised features,
 * {@code score = 1 / (1 + exp(-(intercept + sum coefficient_i * z_i)))} with {@code z_i =
 * (transform_i(x_i) - mean_i) / std_i}. A missing (or non-finite) feature scores as its training
 * mean ({@code z = 0}), so a feature that cannot be computed yet neither raises nor lowers the
 * risk. Immutable and thread-safe; scoring allocates nothing beyond its result and walks arrays
 * built at load, because it runs on every event.
 *
 * <pre>{@code
 * RiskModel model = RiskModel.load(Path.of("model.json"));
 * double risk = model.score(features);
 * List<Contribution> why = model.contributions(features); // most risk-increasing first
 * }</pre>
 */
public final class RiskModel {

  /** Where {@link #builtIn()} reads from on the class path. */
  public static final String BUILT_IN_RESOURCE = "coursepulse/risk/model.json";

  private final ModelFile file;
  private final String version;
  private final List<String> names;
  private final String[] name;
  private final Transform[] transform;
  private final double[] mean;
  private final double[] std;
  private final double[] coefficient;
  private final double intercept;

  private RiskModel(ModelFile file, byte[] bytes) {
    this.file = file;
    this.version = file.name() + "@" + shortHash(bytes);
    int n = file.features().size();
    name = new String[n];
    transform = new Transform[n];
    mean = new double[n];
    std = new double[n];
    coefficient = new double[n];
    for (int i = 0; i < n; i++) {
      ModelFile.Feature f = file.features().get(i);
      name[i] = f.name();
      transform[i] = f.transform();
      mean[i] = f.mean();
      std[i] = f.std();
      coefficient[i] = f.coefficient();
    }
    names = List.of(name);
    intercept = file.intercept();
  }

  /**
   * The model shipped with coursepulse ({@value #BUILT_IN_RESOURCE} on the class path).
   *
   * @throws IllegalStateException when the resource is missing or invalid (a build error)
   */
  public static RiskModel builtIn() {
    return BuiltIn.MODEL;
  }

  /**
   * Reads a model file written by {@code coursepulse train}.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it (missing, not JSON,
   *     unknown format version, missing or invalid fields)
   */
  public static RiskModel load(Path path) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          "model file " + path + " does not exist (write one with 'coursepulse train')", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read model file " + path + ": " + e, e);
    }
    return parse(bytes, path.toString());
  }

  /** The model in {@code bytes}; {@code source} names it in errors. */
  static RiskModel parse(byte[] bytes, String source) {
    return new RiskModel(ModelFileCodec.read(bytes, source), bytes);
  }

  /** The model whose file is {@code file}'s canonical bytes (as {@code train} writes them). */
  public static RiskModel of(ModelFile file) {
    return new RiskModel(file, ModelFileCodec.write(file));
  }

  /** The features the model reads, in its order. */
  public List<String> featureNames() {
    return names;
  }

  /**
   * Name and the first 8 hex digits of the SHA-256 of the model file, e.g. {@code oulad@3f2a9c1d}.
   */
  public String version() {
    return version;
  }

  /** The file's content: provenance and held-out metrics as well as the parameters. */
  public ModelFile file() {
    return file;
  }

  /** The risk in [0, 1] for {@code features} (name to raw value; extra names are ignored). */
  public double score(Map<String, Double> features) {
    double logit = intercept;
    for (int i = 0; i < name.length; i++) {
      logit += coefficient[i] * standardised(i, features.get(name[i]));
    }
    return 1 / (1 + Math.exp(-logit));
  }

  /**
   * Every feature's share of the score's log-odds, most risk-increasing first (ties: model order).
   */
  public List<Contribution> contributions(Map<String, Double> features) {
    Contribution[] out = new Contribution[name.length];
    for (int i = 0; i < name.length; i++) {
      Double raw = features.get(name[i]);
      boolean present = raw != null && Double.isFinite(raw);
      double z = standardised(i, raw);
      out[i] = new Contribution(name[i], present ? raw : rawMean(i), coefficient[i] * z);
    }
    Arrays.sort(out, Comparator.comparingDouble(Contribution::contribution).reversed());
    return List.of(out);
  }

  private double standardised(int i, Double raw) {
    if (raw == null || !Double.isFinite(raw)) {
      return 0;
    }
    return (transform[i].apply(raw) - mean[i]) / std[i];
  }

  /** The raw value whose transform is the mean (for reporting what a missing value counts as). */
  private double rawMean(int i) {
    return transform[i] == Transform.LOG1P
        ? Math.copySign(Math.expm1(Math.abs(mean[i])), mean[i])
        : mean[i];
  }

  private static String shortHash(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "RiskModel[" + version + ", " + names + "]";
  }

  /** Loaded on first use; a broken resource is a build error, so it fails loudly. */
  private static final class BuiltIn {
    static final RiskModel MODEL = read();

    private static RiskModel read() {
      try (InputStream in =
          RiskModel.class.getClassLoader().getResourceAsStream(BUILT_IN_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(BUILT_IN_RESOURCE + " is missing from the class path");
        }
        return parse(in.readAllBytes(), "classpath:" + BUILT_IN_RESOURCE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("the built-in " + e.getMessage(), e);
      }
    }
  }
}
