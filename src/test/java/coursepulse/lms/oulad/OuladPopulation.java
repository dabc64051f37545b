package coursepulse.lms.oulad;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An OULAD-format population big enough to train a risk model on, written by the tests
 * themselves: module AAA in presentations 2013B and 2013J, each with {@code studentsPerPresentation}
 * students. About a third are at risk (withdrawn or failed) and visibly less active: fewer active
 * days, fewer and lower-scored submissions, and the withdrawn ones stop clicking before they leave.
 * The same arguments give the same bytes.
 */
public final class OuladPopulation {
  private OuladPopulation() {}

  /** Course length in days; weeks 2 to 12 of the evaluation fall inside it. */
  static final int LENGTH = 112;

  private static final String MODULE = "AAA";
  private static final String[] PRESENTATIONS = {"2013B", "2013J"};
  private static final int[] TMA_DAYS = {19, 47, 75, 103};

  /** Writes the tables into {@code dir} (the original download's layout) and returns it. */
  public static Path write(Path dir, int studentsPerPresentation, long seed) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(seed);
    List<String> courses = new ArrayList<>();
    List<String> assessments = new ArrayList<>();
    List<String> vle = new ArrayList<>();
    List<String> info = new ArrayList<>();
    List<String> registrations = new ArrayList<>();
    List<String> submissions = new ArrayList<>();
    List<String> clicks = new ArrayList<>();
    for (int p = 0; p < PRESENTATIONS.length; p++) {
      String presentation = PRESENTATIONS[p];
      String course = MODULE + "," + presentation;
      courses.add(course + "," + LENGTH);
      int firstAssessment = 1000 * (p + 1);
      for (int i = 0; i < TMA_DAYS.length; i++) {
        assessments.add(course + "," + (firstAssessment + i) + ",TMA," + TMA_DAYS[i] + ",25.0");
      }
      int site = 10_000 * (p + 1);
      vle.add(site + "," + course + ",oucontent,,");
      Student[] students = new Student[studentsPerPresentation];
      for (int s = 0; s < students.length; s++) {
        students[s] = Student.draw(100_000 * (p + 1) + s, random);
        Student st = students[s];
        info.add(course + "," + st.id + ",M,Scotland,HE Qualification,50-60%,35-55,0,60,N," + st.result);
        registrations.add(course + "," + st.id + ",-" + (1 + random.nextInt(10)) + ","
            + (st.leaves < 0 ? "" : String.valueOf(st.leaves)));
        for (int i = 0; i < TMA_DAYS.length; i++) {
          int due = TMA_DAYS[i];
          if ((st.leaves >= 0 && due >= st.leaves) || random.nextDouble() > st.submits) {
            continue;
          }
          int score = (int) Math.round(Math.max(0, Math.min(100, st.grade + 12 * random.nextGaussian())));
          submissions.add((firstAssessment + i) + "," + st.id + "," + (due - random.nextInt(4)) + ",0," + score);
        }
      }
      for (int day = 0; day < LENGTH; day++) {
        for (Student st : students) {
          if ((st.quitsClicking < 0 || day < st.quitsClicking) && random.nextDouble() < st.activeDays) {
            clicks.add(course + "," + st.id + "," + site + "," + day + "," + (1 + random.nextInt(8)));
          }
        }
      }
    }
    OuladFixture.Layout layout = OuladFixture.Layout.ORIGINAL;
    OuladFixture.table(dir, layout, "courses", "code_module,code_presentation,module_presentation_length", arr(courses));
    OuladFixture.table(dir, layout, "assessments",
        "code_module,code_presentation,id_assessment,assessment_type,date,weight", arr(assessments));
    OuladFixture.table(dir, layout, "vle",
        "id_site,code_module,code_presentation,activity_type,week_from,week_to", arr(vle));
    OuladFixture.table(dir, layout, "studentInfo",
        "code_module,code_presentation,id_student,gender,region,highest_education,imd_band,age_band,"
            + "num_of_prev_attempts,studied_credits,disability,final_result", arr(info));
    OuladFixture.table(dir, layout, "studentRegistration",
        "code_module,code_presentation,id_student,date_registration,date_unregistration", arr(registrations));
    OuladFixture.table(dir, layout, "studentAssessment",
        "id_assessment,id_student,date_submitted,is_banked,score", arr(submissions));
    OuladFixture.table(dir, layout, "studentVle",
        "code_module,code_presentation,id_student,id_site,date,sum_click", arr(clicks));
    return dir;
  }

  private static String[] arr(List<String> rows) {
    return rows.toArray(String[]::new);
  }

  /** One student's outcome and habits. */
  private record Student(
      int id, String result, int leaves, int quitsClicking, double activeDays, double submits, double grade) {

    static Student draw(int id, SplittableRandom random) {
      double u = random.nextDouble();
      if (u < 0.15) {
        int leaves = 20 + random.nextInt(60);
        return new Student(id, "Withdrawn", leaves, Math.max(1, leaves - 7 - random.nextInt(14)), 0.25, 0.5, 45);
      }
      if (u < 0.33) {
        return new Student(id, "Fail", -1, -1, 0.2 + 0.15 * random.nextDouble(), 0.5, 40);
      }
      String result = u < 0.45 ? "Distinction" : "Pass";
      return new Student(id, result, -1, -1, 0.55 + 0.3 * random.nextDouble(), 0.95, 72);
    }
  }
}
