package coursepulse.lms.simulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Day-level activity statistics of student-course pairs by outcome group (pass = Pass or
 * Distinction, fail, withdrawn), built either from OULAD's tables ({@link #fromOulad}) or from a
 * simulation ({@link #fromSimulation}), so the simulator can be checked against real students.
 *
 * <p>A day is active when the student did anything in the course (OULAD: any VLE click; simulator:
 * any {@code asset_accessed} or {@code submission_created}). A pair is observed from the course's
 * first day to its end, or to its withdrawal; pairs that withdraw before the start are left out (the
 * simulator's ghosts stand for them). A gap is the number of days from one active day to the next
 * (1 = consecutive days).
 */
public final class ActivityProfile {
  static final String[] GROUPS = {"pass", "fail", "withdrawn"};
  /** Gap-length buckets: 1, 2-3, 4-7, 8-14 and 15 or more days. */
  static final int[] BUCKET_FROM = {1, 2, 4, 8, 15};

  private static final int MAX_GAP = 400;
  private static final int WEEKS_BEFORE_DROP = 8;
  /** The first two course weeks, before most courses' first deadline. */
  static final int EARLY_DAYS = 14;
  /** Buckets of active days in the first {@link #EARLY_DAYS}: 0, 1-2, 3-5, 6 and more. */
  static final int[] EARLY_FROM = {0, 1, 3, 6};

  private final String source;
  private final long[][] gaps = new long[3][MAX_GAP + 1];
  private final List<List<Double>> perWeek = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
  private final int[] pairs = new int[3];
  private final int[] silent = new int[3];
  private final int[] withWeekGap = new int[3];
  private final int[] withTwoWeekGap = new int[3];
  private final double[] beforeDrop = new double[WEEKS_BEFORE_DROP + 1];
  private int beforeDropPairs;
  private final int[][] early = new int[3][EARLY_FROM.length];
  private final int[] earlyPairs = new int[3];

  private ActivityProfile(String source) {
    this.source = source;
  }

  /** Where the figures come from, e.g. {@code OULAD 2013B}. */
  public String source() {
    return source;
  }

  /**
   * Adds one pair.
   *
   * @param days its active days, ascending and distinct, counted from the course's first day
   * @param window observed days: to the course end, or to the withdrawal
   * @param dropDay the withdrawal day, or -1 when the pair did not withdraw
   */
  void add(int group, int[] days, int window, int dropDay) {
    if (window <= 0) {
      return;
    }
    pairs[group]++;
    if (days.length == 0) {
      silent[group]++;
    }
    int longest = 0;
    for (int i = 1; i < days.length; i++) {
      int g = days[i] - days[i - 1];
      gaps[group][Math.min(g, MAX_GAP)]++;
      longest = Math.max(longest, g);
    }
    // 7 idle days between two active days is a gap of 8
    withWeekGap[group] += longest >= 8 ? 1 : 0;
    withTwoWeekGap[group] += longest >= 15 ? 1 : 0;
    perWeek.get(group).add(days.length * 7.0 / window);
    if (window >= EARLY_DAYS) {
      int n = 0;
      while (n < days.length && days[n] < EARLY_DAYS) {
        n++;
      }
      int b = EARLY_FROM.length - 1;
      while (EARLY_FROM[b] > n) {
        b--;
      }
      early[group][b]++;
      earlyPairs[group]++;
    }
    if (dropDay >= 7 * (WEEKS_BEFORE_DROP + 4)) {
      beforeDropPairs++;
      for (int d : days) {
        int k = (dropDay - d + 6) / 7;
        if (k >= 1 && k <= WEEKS_BEFORE_DROP) {
          beforeDrop[k]++;
        }
      }
    }
  }

  /** Pairs observed in a group (0 pass, 1 fail, 2 withdrawn). */
  public int pairs(int group) {
    return pairs[group];
  }

  /** Share of a group's gaps falling in bucket {@code b} of {@link #BUCKET_FROM}. */
  public double gapShare(int group, int b) {
    long total = 0;
    long in = 0;
    int from = BUCKET_FROM[b];
    int to = b + 1 < BUCKET_FROM.length ? BUCKET_FROM[b + 1] : MAX_GAP + 1;
    for (int g = 1; g <= MAX_GAP; g++) {
      total += gaps[group][g];
      if (g >= from && g < to) {
        in += gaps[group][g];
      }
    }
    return total == 0 ? 0 : (double) in / total;
  }

  /** The {@code p} quantile of a group's gap lengths in days. */
  public int gapQuantile(int group, double p) {
    long total = Arrays.stream(gaps[group]).sum();
    long want = (long) Math.ceil(p * total);
    long run = 0;
    for (int g = 1; g <= MAX_GAP; g++) {
      run += gaps[group][g];
      if (run >= want && run > 0) {
        return g;
      }
    }
    return MAX_GAP;
  }

  /** The {@code p} quantile of a group's active days per week (one value per pair). */
  public double activeDaysPerWeek(int group, double p) {
    List<Double> v = new ArrayList<>(perWeek.get(group));
    if (v.isEmpty()) {
      return 0;
    }
    v.sort(null);
    return v.get(Math.min(v.size() - 1, (int) (p * v.size())));
  }

  /** Share of a group's pairs with at least 7 idle days between two active days. */
  public double shareWithIdleWeek(int group) {
    return pairs[group] == 0 ? 0 : (double) withWeekGap[group] / pairs[group];
  }

  /** Share of a group's pairs with at least 14 idle days between two active days. */
  public double shareWithIdleFortnight(int group) {
    return pairs[group] == 0 ? 0 : (double) withTwoWeekGap[group] / pairs[group];
  }

  /**
   * Share of a group's pairs, still enrolled after {@link #EARLY_DAYS}, whose active days in those
   * first days fall in bucket {@code b} of {@link #EARLY_FROM}. What a risk score sees first: a
   * simulated student who passes must start as real passers do, or no score trained on real
   * students can leave them alone.
   */
  public double earlyActiveShare(int group, int b) {
    return earlyPairs[group] == 0 ? 0 : (double) early[group][b] / earlyPairs[group];
  }

  /**
   * Mean active days in week {@code k} (1 = the last) before the withdrawal, over withdrawn pairs
   * that stayed at least 12 weeks.
   */
  public double activeDaysBeforeDrop(int k) {
    return beforeDropPairs == 0 ? 0 : beforeDrop[k] / beforeDropPairs;
  }

  /** The OULAD tables were read, but none of their courses ran in the presentation asked for. */
  public static final class NoSuchPresentationException extends IOException {
    NoSuchPresentationException(String message) {
      super(message);
    }
  }

  /**
   * Reads OULAD's {@code courses}, {@code studentInfo}, {@code studentRegistration} and daily clicks
   * of the presentations whose code ends in {@code presentation} (e.g. {@code 2013B}). Clicks come
   * from {@code studentVle/<module>-<presentation>.csv.gz} or, as OULAD distributes them, one
   * {@code studentVle.csv}; {@code ?} and empty both mean missing.
   *
   * @throws NoSuchPresentationException when no course ran in {@code presentation}
   * @throws IOException when a table is missing or unreadable
   */
  public static ActivityProfile fromOulad(Path dir, String presentation) throws IOException {
    Map<String, Integer> length = new HashMap<>();
    java.util.SortedSet<String> found = new java.util.TreeSet<>();
    for (String[] f : csv(dir.resolve("courses.csv"))) {
      found.add(f[1]);
      if (f[1].equals(presentation)) {
        length.put(f[0], Integer.parseInt(f[2]));
      }
    }
    if (length.isEmpty()) {
      throw new NoSuchPresentationException(
          dir.resolve("courses.csv") + " has no presentation " + presentation
              + (found.isEmpty() ? "" : " (it has " + String.join(", ", found) + ")"));
    }
    Map<String, Integer> group = new HashMap<>();
    for (String[] f : csv(dir.resolve("studentInfo.csv"))) {
      if (f[1].equals(presentation)) {
        String r = f[11];
        group.put(f[0] + "," + f[2], r.equals("Withdrawn") ? 2 : r.equals("Fail") ? 1 : 0);
      }
    }
    Map<String, Integer> unregistered = new HashMap<>();
    for (String[] f : csv(dir.resolve("studentRegistration.csv"))) {
      if (f[1].equals(presentation) && f.length > 4 && !missing(f[4])) {
        unregistered.put(f[0] + "," + f[2], Integer.parseInt(f[4].trim()));
      }
    }
    Map<String, java.util.BitSet> active = new HashMap<>();
    List<Path> clickFiles = new ArrayList<>();
    for (String module : length.keySet()) {
      Path p = dir.resolve("studentVle").resolve(module + "-" + presentation + ".csv.gz");
      if (Files.exists(p)) {
        clickFiles.add(p);
      }
    }
    if (clickFiles.isEmpty()) {
      clickFiles.add(dir.resolve("studentVle.csv"));
    }
    for (Path p : clickFiles) {
      forEachRow(
          p,
          f -> {
            if (f[1].equals(presentation) && !missing(f[4])) {
              int d = Integer.parseInt(f[4].trim());
              if (d >= 0) {
                active.computeIfAbsent(f[0] + "," + f[2], k -> new java.util.BitSet()).set(d);
              }
            }
          });
    }
    ActivityProfile profile = new ActivityProfile("OULAD " + presentation);
    List<String> keys = new ArrayList<>(group.keySet());
    keys.sort(null);
    for (String key : keys) {
      int len = length.get(key.substring(0, key.indexOf(',')));
      Integer unreg = unregistered.get(key);
      int window = unreg == null ? len : Math.min(len, unreg);
      java.util.BitSet bits = active.getOrDefault(key, new java.util.BitSet());
      int[] days = bits.get(0, Math.max(0, window)).stream().toArray();
      profile.add(group.get(key), days, window, unreg == null || unreg > len ? -1 : unreg);
    }
    return profile;
  }

  /**
   * Runs the simulation and collects its pairs; ghosts (who never start) are left out, as OULAD's
   * withdrawals before the start are.
   */
  public static ActivityProfile fromSimulation(Simulation simulation) {
    Term term = simulation.term();
    Rng rng = new Rng(0);
    int students = term.config.students();
    StudentCursor[] cursors = new StudentCursor[students];
    java.util.BitSet[][] days = new java.util.BitSet[students][];
    for (int i = 0; i < students; i++) {
      cursors[i] = StudentCursor.create(term, i, rng);
      days[i] = new java.util.BitSet[cursors[i].courses.length];
    }
    SimulationRun run = simulation.run();
    for (SimEvent e = run.next(); e != null; e = run.next()) {
      if (e.type != SimEvent.ASSET_ACCESSED && e.type != SimEvent.SUBMISSION_CREATED) {
        continue;
      }
      StudentCursor s = cursors[e.student];
      int slot = Arrays.binarySearch(s.courses, e.course);
      long rel = e.epochSecond - term.startSecond - term.courses[e.course].startRel;
      if (rel < 0) {
        continue; // a planning day that began before the course's local midnight
      }
      if (days[e.student][slot] == null) {
        days[e.student][slot] = new java.util.BitSet();
      }
      days[e.student][slot].set((int) Math.floorDiv(rel, (long) Term.DAY));
    }
    ActivityProfile profile = new ActivityProfile("simulator");
    for (int i = 0; i < students; i++) {
      StudentCursor s = cursors[i];
      for (int slot = 0; slot < s.courses.length; slot++) {
        Persona p = s.personas[slot];
        if (p == Persona.GHOST) {
          continue;
        }
        Course c = term.courses[s.courses[slot]];
        long end = Math.min(c.endRel, term.horizon);
        int dropDay = -1;
        if (s.droppedAt[slot] != StudentCursor.NONE && s.droppedAt[slot] < end) {
          end = s.droppedAt[slot];
          dropDay = (int) ((end - c.startRel) / Term.DAY);
        }
        int window = (int) ((end - c.startRel) / Term.DAY);
        java.util.BitSet b = days[i][slot] == null ? new java.util.BitSet() : days[i][slot];
        profile.add(p.outcomeGroup(), b.get(0, Math.max(0, window)).stream().toArray(), window, dropDay);
      }
    }
    return profile;
  }

  /** Prints this profile's figures next to {@code other}'s, group by group. */
  public void printComparison(ActivityProfile other, PrintWriter out) {
    ActivityProfile[] both = {this, other};
    out.printf(Locale.ROOT, "%-22s %-13s %6s  %s%n", "group", "source", "pairs",
        "gaps 1d / 2-3 / 4-7 / 8-14 / 15+ | gap p50 p75 p90 p95 | active days/wk p25 p50 p75 | 7+ idle | 14+ idle | silent");
    for (int g = 0; g < 3; g++) {
      for (ActivityProfile p : both) {
        out.printf(Locale.ROOT, "%-22s %-13s %6d  %4.1f %4.1f %4.1f %4.1f %4.1f %% | %3d %3d %3d %3d | %4.2f %4.2f %4.2f | %4.1f %% | %4.1f %% | %4.1f %%%n",
            GROUPS[g], p.source, p.pairs[g],
            100 * p.gapShare(g, 0), 100 * p.gapShare(g, 1), 100 * p.gapShare(g, 2),
            100 * p.gapShare(g, 3), 100 * p.gapShare(g, 4),
            p.gapQuantile(g, 0.5), p.gapQuantile(g, 0.75), p.gapQuantile(g, 0.9), p.gapQuantile(g, 0.95),
            p.activeDaysPerWeek(g, 0.25), p.activeDaysPerWeek(g, 0.5), p.activeDaysPerWeek(g, 0.75),
            100 * p.shareWithIdleWeek(g), 100 * p.shareWithIdleFortnight(g),
            p.pairs[g] == 0 ? 0.0 : 100.0 * p.silent[g] / p.pairs[g]);
      }
    }
    out.println("active days in the first 14 course days (pairs enrolled past them): 0 / 1-2 / 3-5 / 6+");
    for (int g = 0; g < 3; g++) {
      for (ActivityProfile p : both) {
        out.printf(Locale.ROOT, "  %-10s %-13s %5.1f %5.1f %5.1f %5.1f %%  (%d pairs)%n",
            GROUPS[g], p.source, 100 * p.earlyActiveShare(g, 0), 100 * p.earlyActiveShare(g, 1),
            100 * p.earlyActiveShare(g, 2), 100 * p.earlyActiveShare(g, 3), p.earlyPairs[g]);
      }
    }
    out.println("withdrawn, mean active days in week k before the withdrawal (k = 8 .. 1):");
    for (ActivityProfile p : both) {
      StringBuilder b = new StringBuilder();
      for (int k = WEEKS_BEFORE_DROP; k >= 1; k--) {
        b.append(String.format(Locale.ROOT, " %4.2f", p.activeDaysBeforeDrop(k)));
      }
      out.printf(Locale.ROOT, "  %-13s%s  (%d pairs)%n", p.source, b, p.beforeDropPairs);
    }
    out.flush();
  }

  private static boolean missing(String v) {
    String t = v.trim();
    return t.isEmpty() || t.equals("?");
  }

  private static List<String[]> csv(Path file) throws IOException {
    List<String[]> rows = new ArrayList<>();
    forEachRow(file, rows::add);
    return rows;
  }

  /** Streams a table's rows (the click tables do not fit in memory as strings). */
  private static void forEachRow(Path file, java.util.function.Consumer<String[]> row)
      throws IOException {
    if (!Files.exists(file)) {
      throw new IOException(file + " is missing: point at a folder holding OULAD's tables");
    }
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
      String line = r.readLine(); // header
      while ((line = r.readLine()) != null) {
        if (!line.isBlank()) {
          row.accept(line.replace("\"", "").split(",", -1));
        }
      }
    }
  }
}
