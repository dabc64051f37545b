package coursepulse.lms.risk;

/**
 * What a roster rule (state in {@link StudentState} / {@link EnrollmentState}) may use: the
 * thresholds and the alert lifecycle of that state.
 */
record RosterContext(RulesConfig rules, RosterAlerts alerts) {}
