/**
 * The engine's implementation: topology snapshot, task (timestamp-ordered merge of inputs, stream
 * time, punctuation, depth-first forwarding), in-memory stores with checkpoint snapshots,
 * dead-letter encoding, checkpoint files, metrics and the runtime loop behind {@code
 * StreamEngine}. Internal, may change: only {@code coursepulse.engine} and its sub-packages use it.
 */
package coursepulse.engine.internal;
