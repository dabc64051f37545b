package coursepulse.lms.risk;

/**
 * What the alerting processor forwards: each kind to its own named child (alerts, refused events,
 * risk scores), so no consumer splits a mixed stream by type.
 */
public sealed interface RiskOutput permits Alert, DeadLetter, RiskScore {}
