package coursepulse.lms.oulad;

import coursepulse.lms.outcome.FinalResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The dataset's small tables (everything but the clicks), for the presentations chosen: tens of
 * thousands of rows, held in memory. Rows keep OULAD's numbers; the importer turns them into ids
 * and times.
 */
final class OuladTables {

  /** A presentation of a module: {@code courses.csv}. */
  record Course(String module, String presentation, int length) {
    String id() {
      return module + "-" + presentation;
    }
  }

  /** {@code assessments.csv}; {@code day} null for an undated assessment (some exams). */
  record Assessment(int id, String courseId, String type, Integer day, Double weight) {}

  /** {@code studentRegistration.csv}; either day may be null. */
  record Registration(int student, Integer registered, Integer unregistered) {}

  /** {@code studentAssessment.csv}. */
  record Submission(int assessment, int student, int day, boolean banked, Double score) {}

  /** Presentations by course id, in id order. */
  final Map<String, Course> courses = new TreeMap<>();

  final Map<String, List<Assessment>> assessments = new HashMap<>();
  final Map<String, Map<Integer, String>> siteKinds = new HashMap<>();
  final Map<String, List<Registration>> registrations = new HashMap<>();
  final Map<String, Map<Integer, FinalResult>> results = new HashMap<>();
  final Map<String, List<Submission>> submissions = new HashMap<>();

  /**
   * A digest of every row kept, as read (parsed values, in file order), so that tables changed
   * in any value the import uses give another producer name; the layout (quotes, CRLF, gzip) does
   * not change it.
   */
  private final MessageDigest content = Digests.sha256();

  private OuladTables() {}

  /** Adds a kept row to {@link #content}. */
  private void keep(String table, String course, Object row) {
    content.update((table + '|' + course + '|' + row + '\n').getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Rows left out, by reason: rows of the chosen presentations that repeat an earlier row exactly
   * ({@code repeated_submission}, ...; a repeat with other values is refused instead), and rows
   * of presentations that {@code courses.csv} does not have ({@code row_of_unknown_presentation}).
   */
  final Map<String, Long> leftOut = new TreeMap<>();

  private void leftOut(String reason, long rows) {
    if (rows > 0) {
      leftOut.merge(reason, rows, Long::sum);
    }
  }

  private Set<String> known = Set.of();

  /** Whether a row of {@code course} is kept; counts it when courses.csv does not have it. */
  private boolean keeps(String course) {
    if (!known.contains(course)) {
      leftOut("row_of_unknown_presentation", 1);
      return false;
    }
    return courses.containsKey(course);
  }

  /** The digest of the rows kept; call once, after {@link #load}. */
  byte[] contentDigest() {
    return content.digest();
  }

  /**
   * Reads every presentation's small tables, keeping the rows of {@code chosen} (all when empty).
   *
   * @throws OuladFormatException naming the file and line of anything malformed, or a chosen
   *     presentation that {@code courses.csv} does not have
   */
  static OuladTables load(OuladDirectory dir, Collection<String> chosen) {
    OuladTables t = new OuladTables();
    Map<String, Course> all = new TreeMap<>();
    Map<String, Long> repeatedCourses = new HashMap<>();
    try (CsvTable c = CsvTable.open(dir.table("courses"))) {
      int m = c.column("code_module");
      int p = c.column("code_presentation");
      int len = c.column("module_presentation_length");
      while (c.next()) {
        Course course = new Course(c.text(m).strip(), c.text(p).strip(), c.integer(len));
        if (course.length() < 1 || course.length() > CsvTable.MAX_DAY) {
          throw c.error("module_presentation_length " + course.length() + " is not between 1 and "
              + CsvTable.MAX_DAY + " days");
        }
        Course before = all.put(course.id(), course);
        if (before != null && !before.equals(course)) {
          throw c.error(course.id() + " again, " + course.length() + " days long after "
              + before.length() + ": keep the right row");
        }
        if (before != null) {
          repeatedCourses.merge(course.id(), 1L, Long::sum);
        }
      }
    }
    if (chosen.isEmpty()) {
      t.courses.putAll(all);
    } else {
      for (String given : chosen) {
        String id = given.strip(); // "AAA-2013J, GGG-2013J" as typed
        Course course = all.get(id);
        if (course == null) {
          throw new OuladFormatException(
              "no presentation " + id + " in " + dir.table("courses") + "; it has " + all.keySet());
        }
        t.courses.put(id, course);
      }
    }
    for (Course course : t.courses.values()) {
      t.keep("courses", course.id(), course);
      t.leftOut("repeated_course", repeatedCourses.getOrDefault(course.id(), 0L));
    }
    t.known = all.keySet();
    Set<String> keep = t.courses.keySet();
    Map<Integer, Assessment> byId = new HashMap<>();
    try (CsvTable a = CsvTable.open(dir.table("assessments"))) {
      int m = a.column("code_module");
      int p = a.column("code_presentation");
      int id = a.column("id_assessment");
      int type = a.column("assessment_type");
      int date = a.column("date");
      int weight = a.column("weight");
      while (a.next()) {
        String course = a.text(m).strip() + "-" + a.text(p).strip();
        Assessment x =
            new Assessment(a.integer(id), course, a.optText(type), a.optDay(date), a.optDecimal(weight));
        Assessment before = byId.put(x.id(), x);
        if (before != null) {
          if (!before.equals(x)) {
            throw a.error("id_assessment " + x.id() + " again, with other values (" + before + " before,"
                + " " + x + " here): keep the right row");
          }
          if (keep.contains(course)) {
            t.leftOut("repeated_assessment", 1);
          }
          continue;
        }
        if (t.keeps(course)) {
          t.assessments.computeIfAbsent(course, k -> new ArrayList<>()).add(x);
          t.keep("assessments", course, x);
        }
      }
    }
    try (CsvTable v = CsvTable.open(dir.table("vle"))) {
      int site = v.column("id_site");
      int m = v.column("code_module");
      int p = v.column("code_presentation");
      int type = v.column("activity_type");
      while (v.next()) {
        String course = v.text(m).strip() + "-" + v.text(p).strip();
        if (t.keeps(course)) {
          t.siteKinds.computeIfAbsent(course, k -> new HashMap<>()).put(v.integer(site), v.optText(type));
          t.keep("vle", course, v.integer(site) + "|" + v.optText(type));
        }
      }
    }
    try (CsvTable r = CsvTable.open(dir.table("studentRegistration"))) {
      int m = r.column("code_module");
      int p = r.column("code_presentation");
      int student = r.column("id_student");
      int reg = r.column("date_registration");
      int unreg = r.column("date_unregistration");
      while (r.next()) {
        String course = r.text(m).strip() + "-" + r.text(p).strip();
        if (t.keeps(course)) {
          Registration row = new Registration(r.integer(student), r.optDay(reg), r.optDay(unreg));
          t.registrations.computeIfAbsent(course, k -> new ArrayList<>()).add(row);
          t.keep("studentRegistration", course, row);
        }
      }
    }
    try (CsvTable s = CsvTable.open(dir.table("studentInfo"))) {
      int m = s.column("code_module");
      int p = s.column("code_presentation");
      int student = s.column("id_student");
      int result = s.column("final_result");
      while (s.next()) {
        String course = s.text(m).strip() + "-" + s.text(p).strip();
        if (t.keeps(course)) {
          FinalResult fr;
          try {
            fr = FinalResult.parse(s.text(result));
          } catch (IllegalArgumentException e) {
            throw s.error(e.getMessage());
          }
          FinalResult before = t.results.computeIfAbsent(course, k -> new HashMap<>()).put(s.integer(student), fr);
          if (before != null) {
            if (before != fr) {
              throw s.error("student " + s.integer(student) + " of " + course + " again, with final_result "
                  + fr.label() + " after " + before.label() + ": keep the right row");
            }
            t.leftOut("repeated_result", 1);
            continue;
          }
          t.keep("studentInfo", course, s.integer(student) + "|" + fr);
        }
      }
    }
    Map<Long, Submission> handedIn = new HashMap<>();
    try (CsvTable s = CsvTable.open(dir.table("studentAssessment"))) {
      int id = s.column("id_assessment");
      int student = s.column("id_student");
      int date = s.column("date_submitted");
      int banked = s.column("is_banked");
      int score = s.column("score");
      while (s.next()) {
        Assessment x = byId.get(s.integer(id));
        if (x == null) {
          throw s.error("id_assessment " + s.text(id) + " is not in assessments.csv");
        }
        if (t.keeps(x.courseId())) {
          Double points = s.optDecimal(score);
          if (points != null && (points < 0 || points > OuladImport.POINTS_POSSIBLE)) {
            throw s.error("score " + points + " is not a percentage (0 to 100)");
          }
          Integer isBanked = s.optInteger(banked);
          Submission row = new Submission(x.id(), s.integer(student), s.day(date),
              isBanked != null && isBanked != 0, points);
          Submission before = handedIn.put(((long) row.assessment() << 32) | (row.student() & 0xFFFF_FFFFL), row);
          if (before != null) {
            if (!before.equals(row)) {
              throw s.error("student " + row.student() + "'s submission to assessment " + row.assessment()
                  + " again, with other values (" + before + " before, " + row + " here): keep the right row");
            }
            t.leftOut("repeated_submission", 1);
            continue;
          }
          t.submissions.computeIfAbsent(x.courseId(), k -> new ArrayList<>()).add(row);
          t.keep("studentAssessment", x.courseId(), row);
        }
      }
    }
    return t;
  }
}
