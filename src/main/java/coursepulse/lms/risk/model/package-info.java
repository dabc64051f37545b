/**
 * The explained risk model: an L2-regularised logistic regression over standardised per
 * student-course features ({@link coursepulse.lms.risk.model.RiskModel}, scored per event and
 * explained by per-feature {@link coursepulse.lms.risk.model.Contribution}s), its versioned JSON
 * file ({@link coursepulse.lms.risk.model.ModelFile}), and the offline training that builds it from
 * {@code 05-Risk} records joined with real outcomes ({@link
 * coursepulse.lms.risk.model.TrainingSet}, {@link coursepulse.lms.risk.model.ModelTrainer}). Same
 * rows in any order give the same coefficients and a byte-identical model file.
 */
package coursepulse.lms.risk.model;
