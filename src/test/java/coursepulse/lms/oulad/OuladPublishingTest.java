package coursepulse.lms.oulad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamStats;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.oulad.OuladFixture.Layout;
import coursepulse.lms.publish.EarlierFeedException;
import coursepulse.lms.publish.EventPublisher;
import coursepulse.lms.publish.Pacer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import published onto the embedded log: resuming, and refusing another import after it. */
class OuladPublishingTest {
  @TempDir Path tmp;

  private final EmbeddedStreamLog log = EmbeddedStreamLog.inMemory();

  private final EventPublisher publisher =
      new EventPublisher(Pacer.unlimited(), p -> {}).refusingEarlierFeeds(OuladImport.EARLIER_FEED_ADVICE);

  @AfterEach
  void close() {
    log.close();
  }

  private void publish(Path dir, List<String> presentations, long maxEvents) {
    try (OuladImport feed = OuladImport.open(dir, presentations, OuladCalendar.standard())) {
      publisher.publish(feed, feed.producerName(), log, maxEvents);
    }
  }

  private Map<String, Long> counts() {
    Map<String, Long> out = new TreeMap<>();
    for (String s : StreamNames.INPUTS) {
      out.put(s, log.stats(s).map(StreamStats::count).orElse(0L));
    }
    return out;
  }

  private List<String> eventIds() {
    List<String> ids = new ArrayList<>();
    for (String s : StreamNames.INPUTS) {
      long n = log.stats(s).map(StreamStats::count).orElse(0L);
      try (LogReader r = log.reader(s, OffsetSpec.first())) {
        for (long k = 0; k < n; k++) {
          LogMessage m = r.poll(Duration.ofSeconds(10));
          ids.add(EventCodec.decode(m.body()).eventId());
        }
      }
    }
    return ids;
  }

  @Test
  void shouldRefuseASecondSelectionThatStartsBeforeTheNewestEventOfTheLog() throws Exception {
    Path dir = OuladFixture.write(tmp, Layout.PER_PRESENTATION);
    publish(dir, List.of("AAA-2013J"), Long.MAX_VALUE);
    Map<String, Long> before = counts();
    // BBB's first registration (day -10) is older than AAA's last events (day 22)
    assertThatThrownBy(() -> publish(dir, List.of("BBB-2013J"), Long.MAX_VALUE))
        .isInstanceOf(EarlierFeedException.class)
        .hasMessageContaining("already holds events up to 2013-10-29")
        .hasMessageContaining("starts at 2013-09-27")
        .hasMessageContaining("Nothing was appended")
        .hasMessageContaining("Import every presentation you want in one run, into an empty log");
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void shouldResumeAnImportStoppedMidwayWithoutDuplicatesOrGaps() throws Exception {
    Path dir = OuladFixture.write(tmp, Layout.PER_PRESENTATION);
    publish(dir, List.of(), 17);
    assertThat(counts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(17);
    publish(dir, List.of(), Long.MAX_VALUE);
    publish(dir, List.of(), Long.MAX_VALUE); // a second restart appends nothing
    List<String> ids = eventIds();
    assertThat(ids).hasSize(30).doesNotHaveDuplicates();
  }

  @Test
  void shouldRefuseTablesChangedSinceTheirImportInsteadOfResumingAtTheWrongEvent() throws Exception {
    Path small = OuladFixture.write(tmp.resolve("small"), Layout.ORIGINAL);
    OuladFixture.table(small, Layout.ORIGINAL, "studentVle",
        "code_module,code_presentation,id_student,id_site,date,sum_click",
        java.util.Arrays.copyOf(OuladFixture.CLICKS, 5));
    Path full = OuladFixture.write(tmp.resolve("full"), Layout.ORIGINAL);
    publish(small, List.of(), Long.MAX_VALUE);
    Map<String, Long> before = counts();
    assertThatThrownBy(() -> publish(full, List.of(), Long.MAX_VALUE))
        .isInstanceOf(EarlierFeedException.class)
        .hasMessageContaining("tables have changed since");
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void shouldNameTheFeedByItsContentStartsAndMappingButNotItsLayout() throws Exception {
    Path shared = OuladFixture.write(tmp.resolve("shared"), Layout.PER_PRESENTATION);
    Path original = OuladFixture.write(tmp.resolve("original"), Layout.ORIGINAL);
    Path changed = OuladFixture.write(tmp.resolve("changed"), Layout.ORIGINAL);
    String[] rows = OuladFixture.SUBMISSIONS.clone();
    rows[0] = "1,11,10,0,81.0"; // one score
    OuladFixture.table(changed, Layout.ORIGINAL, "studentAssessment",
        "id_assessment,id_student,date_submitted,is_banked,score", rows);
    String name = name(shared, OuladCalendar.standard());
    assertThat(name(original, OuladCalendar.standard())).isEqualTo(name);
    // the default start given explicitly is the same feed
    assertThat(name(shared, OuladCalendar.withStarts(List.of("AAA-2013J=2013-10-07", "2013J=2013-10-07"))))
        .isEqualTo(name);
    assertThat(name(shared, OuladCalendar.withStarts(List.of("AAA-2013J=2013-10-08")))).isNotEqualTo(name);
    assertThat(name(changed, OuladCalendar.standard())).isNotEqualTo(name);
  }

  @Test
  void shouldRefuseAStartThatNamesNoImportedPresentationOrIsGivenTwice() throws Exception {
    Path dir = OuladFixture.write(tmp, Layout.PER_PRESENTATION);
    assertThatThrownBy(() -> name(dir, OuladCalendar.withStarts(List.of("AAA-2O13J=2013-10-07"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--start AAA-2O13J names no imported presentation")
        .hasMessageContaining("[2013J, AAA-2013J, BBB-2013J]");
    assertThatThrownBy(() -> OuladCalendar.withStarts(List.of("AAA-2013J=2013-10-07", "AAA-2013J=2013-10-08")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--start gives AAA-2013J twice (2013-10-07 and 2013-10-08)");
  }

  private static String name(Path dir, OuladCalendar calendar) {
    try (OuladImport feed = OuladImport.open(dir, List.of(), calendar)) {
      return feed.producerName();
    }
  }
}
