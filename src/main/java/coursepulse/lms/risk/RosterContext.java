package coursepulse.lms.risk;

/**
 * What a roster rule (state in its slot of {@link StudentState} / {@link EnrollmentState}) may
 * use: the thresholds, the alert lifecycle of that state, the roster to read (enrolments,
 * assignments) and the timers, where it keeps its own pending checks.
 */
record RosterContext(RulesConfig rules, RosterAlerts alerts, Roster roster, Timers timers) {}
