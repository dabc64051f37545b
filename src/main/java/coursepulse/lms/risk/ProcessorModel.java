package coursepulse.lms.risk;

import coursepulse.lms.risk.model.RiskModel;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Loads a risk model for the alerting application and refuses one it cannot score with. A model
 * reads its features by name from what the processor computes ({@link Features}); a name the
 * processor never fills (a typo, another case) would score as its training mean for every student,
 * so every score would be the same and no score alert would open, silently.
 */
public final class ProcessorModel {

  // The course week is the same for every student of a course on a day: it moves the score with
  // the term but is never a reason about the student, so it needs no phrase.
  private static final String SAME_FOR_THE_CLASS = Features.LOG_COURSE_WEEK;

  private ProcessorModel() {}

  /**
   * Reads a model file written by {@code coursepulse train} and checks its features.
   *
   * @param warnings receives what a user should know about a usable model (features an alert can
   *     never name as a reason)
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static RiskModel load(Path path, Consumer<String> warnings) {
    RiskModel model = RiskModel.load(path);
    check(model, "model file " + path, warnings);
    return model;
  }

  /**
   * What {@code train} tells before {@code process --model} would: features the processor does not
   * compute (it would refuse the model), then those no phrase explains.
   */
  public static void warnBeforeUse(RiskModel model, String source, Consumer<String> warnings) {
    List<String> unknown = notComputed(model);
    if (!unknown.isEmpty()) {
      warnings.accept(
          "warning: 'process --model' will refuse "
              + source
              + ": the processor does not compute "
              + String.join(", ", unknown)
              + " (fine for scoring elsewhere; to alert with it, fit on the features of 05-Risk)");
      return;
    }
    warnUnnamed(model, source, warnings);
  }

  private static List<String> notComputed(RiskModel model) {
    List<String> known = Features.names();
    return model.featureNames().stream().filter(f -> !known.contains(f)).toList();
  }

  /** Refuses features the processor does not compute; warns of those no phrase explains. */
  static void check(RiskModel model, String source, Consumer<String> warnings) {
    List<String> known = Features.names();
    List<String> unknown = notComputed(model);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          source
              + " names "
              + (unknown.size() == 1 ? "a feature" : "features")
              + " the processor does not compute: "
              + String.join(", ", unknown)
              + " (every score would ignore "
              + them(unknown)
              + "); it computes "
              + String.join(", ", known)
              + ". Names are case-sensitive: retrain with 'coursepulse train' or correct the file");
    }
    warnUnnamed(model, source, warnings);
  }

  private static void warnUnnamed(RiskModel model, String source, Consumer<String> warnings) {
    List<String> unnamed =
        model.featureNames().stream()
            .filter(f -> !FactorPhrases.canName(f) && !f.equals(SAME_FOR_THE_CLASS))
            .toList();
    if (!unnamed.isEmpty()) {
      warnings.accept(
          "warning: "
              + source
              + ": alerts never name "
              + String.join(", ", unnamed)
              + " as a reason (no plain-word phrase); an alert the score opens because of "
              + them(unnamed)
              + " alone lists no factors. Train without "
              + them(unnamed)
              + " (--features) for alerts that always say why");
    }
  }

  private static String them(List<String> features) {
    return features.size() == 1 ? "it" : "them";
  }
}
