package coursepulse.lms.web;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins per key (an address, a login) in a sliding window: past {@code max} failures the
 * key is refused until the oldest failure leaves the window. Both the client address and the
 * login name are keys, so neither one address guessing many logins nor many addresses guessing
 * one login get far.
 */
final class LoginLimiter {
  private final int max;
  private final long windowNanos;
  private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

  LoginLimiter(int max, Duration window) {
    this.max = max;
    this.windowNanos = window.toNanos();
  }

  /** Whether {@code key} may try now. */
  boolean allowed(String key) {
    Deque<Long> d = failures.get(key);
    if (d == null) {
      return true;
    }
    synchronized (d) {
      prune(d, System.nanoTime());
      return d.size() < max;
    }
  }

  void failed(String key) {
    Deque<Long> d = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (d) {
      long now = System.nanoTime();
      prune(d, now);
      d.addLast(now);
    }
  }

  void succeeded(String key) {
    failures.remove(key);
  }

  private void prune(Deque<Long> d, long now) {
    while (!d.isEmpty() && now - d.peekFirst() > windowNanos) {
      d.removeFirst();
    }
  }
}
