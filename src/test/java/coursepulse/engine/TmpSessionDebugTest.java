package coursepulse.engine;

import java.util.List;
import org.junit.jupiter.api.Test;

class TmpSessionDebugTest {
  @Test
  void debug() {
    DslDifferentialTest.SessionParams p = DslDifferentialTest.SessionParams.of(0);
    List<String> k = KafkaReference.run(KafkaReference.sessionCount(p.gap(), p.grace(), false), p.inputs());
    List<String> o = DslDifferentialTest.runOurs(DslDifferentialTest.sessionCount(p.gap(), p.grace(), false), p.inputs());
    System.out.println("gap=" + p.gap() + " grace=" + p.grace());
    int i = 0;
    while (i < Math.min(k.size(), o.size()) && k.get(i).equals(o.get(i))) i++;
    System.out.println("first diff at " + i);
    System.out.println("inputs " + p.inputs().subList(0, Math.min(p.inputs().size(), 60)));
    for (int j = Math.max(0, i - 5); j < Math.min(i + 8, Math.max(k.size(), o.size())); j++) {
      System.out.println(j + " K " + (j < k.size() ? k.get(j) : "-") + "   O " + (j < o.size() ? o.get(j) : "-"));
    }
  }
}
