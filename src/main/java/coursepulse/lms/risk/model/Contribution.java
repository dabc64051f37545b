package coursepulse.lms.risk.model;

/**
 * What one feature adds to a score's log-odds.
 *
 * @param feature the feature name
 * @param value the feature's value
 * @param contribution coefficient times value: positive raises the risk
 */
public record Contribution(String feature, double value, double contribution) {}
