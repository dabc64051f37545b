package coursepulse.lms.risk.model;

/**
 * How much one feature moved a student's score: its coefficient times its standardised value, on
 * the log-odds scale (positive raises the risk; the contributions plus the intercept are the
 * score's log-odds).
 *
 * @param feature the feature name
 * @param value the raw value scored (the training mean when the feature was missing)
 * @param contribution coefficient x standardised value
 */
public record Contribution(String feature, double value, double contribution) {}
