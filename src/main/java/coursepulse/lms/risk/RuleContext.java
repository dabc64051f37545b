package coursepulse.lms.risk;

/** What a {@link RiskRule} may use: the thresholds and the alert lifecycle. */
record RuleContext(RulesConfig rules, AlertBook alerts) {}
