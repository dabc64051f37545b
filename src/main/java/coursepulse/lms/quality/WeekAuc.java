package coursepulse.lms.quality;

/**
 * The ROC AUC of a score at one course-week cut-off, among the pairs still enrolled at it.
 *
 * @param week the course week: the cut-off is course start + 7 × week days
 * @param pairs pairs enrolled at the cut-off
 * @param atRisk of those, the withdrawn and failed ones (the positives)
 * @param auc the probability that an at-risk pair scores higher than a passing one, ties half;
 *     NaN when either class is empty
 */
public record WeekAuc(int week, int pairs, int atRisk, double auc) {}
