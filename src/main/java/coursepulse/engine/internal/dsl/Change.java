package coursepulse.engine.internal.dsl;

/**
 * An update of a table, flowing between the processors of a KTable: the new value ({@code null}
 * for a deletion) and the old one ({@code null} when unknown or absent).
 */
record Change<V>(V newValue, V oldValue) {}
