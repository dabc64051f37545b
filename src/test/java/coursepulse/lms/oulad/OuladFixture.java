package coursepulse.lms.oulad;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * A tiny OULAD written by the tests themselves, in either layout: two presentations of 2013J,
 * one student in both, a withdrawal during and one before the course, a registration without a
 * date, a banked and a late submission, a missing score, an undated exam and a repeated click row.
 * The expected events are listed in {@link OuladImportTest}.
 */
public final class OuladFixture {

  /** How the tables are written. */
  public enum Layout {
    /** shared/oulad: empty missing values, studentVle/&lt;course&gt;.csv.gz per presentation. */
    PER_PRESENTATION,
    /** The original download: quoted fields, {@code ?} for missing values, CRLF, one studentVle.csv. */
    ORIGINAL
  }

  private OuladFixture() {}

  static final String[] COURSES = {"AAA,2013J,30", "BBB,2013J,20"};
  static final String[] ASSESSMENTS = {
    "AAA,2013J,1,TMA,10,50.0", "AAA,2013J,2,CMA,20,50.0", "AAA,2013J,3,Exam,,100.0",
    "BBB,2013J,4,TMA,5,100.0"
  };
  static final String[] VLE = {
    "100,AAA,2013J,oucontent,,", "101,AAA,2013J,forumng,1,2", "200,BBB,2013J,resource,,",
    "201,BBB,2013J,quiz,,"
  };
  static final String[] INFO = {
    "AAA,2013J,11,M,Scotland,HE Qualification,90-100%,35-55,0,60,N,Pass",
    "AAA,2013J,12,F,Wales,A Level or Equivalent,,0-35,0,60,N,Withdrawn",
    "AAA,2013J,13,F,Wales,A Level or Equivalent,10-20,0-35,1,60,N,Withdrawn",
    "AAA,2013J,14,M,Ireland,Lower Than A Level,20-30%,0-35,0,120,Y,Fail",
    "BBB,2013J,11,M,Scotland,HE Qualification,90-100%,35-55,0,60,N,Distinction",
    "BBB,2013J,21,F,London Region,HE Qualification,50-60%,35-55,0,60,N,Pass"
  };
  static final String[] REGISTRATIONS = {
    "AAA,2013J,11,-5,", "AAA,2013J,12,-3,7", "AAA,2013J,13,,-1", "AAA,2013J,14,-1,",
    "BBB,2013J,11,-10,", "BBB,2013J,21,0,"
  };
  static final String[] SUBMISSIONS = {
    "1,11,10,0,80.0", "2,11,22,0,", "1,14,-1,1,60.0", "4,11,4,0,95.0"
  };
  /** In date order per presentation, as the dataset's files are. */
  static final String[] CLICKS = {
    "AAA,2013J,11,100,-2,3", "AAA,2013J,11,100,0,2", "AAA,2013J,11,101,0,1",
    "AAA,2013J,11,100,0,4", "AAA,2013J,12,100,1,1", "AAA,2013J,11,101,5,7",
    "BBB,2013J,11,200,0,5", "BBB,2013J,21,201,3,2"
  };

  /** Writes the fixture into {@code dir} in {@code layout}. */
  public static Path write(Path dir, Layout layout) throws IOException {
    Files.createDirectories(dir);
    table(dir, layout, "courses", "code_module,code_presentation,module_presentation_length", COURSES);
    table(dir, layout, "assessments", "code_module,code_presentation,id_assessment,assessment_type,date,weight", ASSESSMENTS);
    table(dir, layout, "vle", "id_site,code_module,code_presentation,activity_type,week_from,week_to", VLE);
    table(dir, layout, "studentInfo",
        "code_module,code_presentation,id_student,gender,region,highest_education,imd_band,age_band,"
            + "num_of_prev_attempts,studied_credits,disability,final_result", INFO);
    table(dir, layout, "studentRegistration",
        "code_module,code_presentation,id_student,date_registration,date_unregistration", REGISTRATIONS);
    table(dir, layout, "studentAssessment", "id_assessment,id_student,date_submitted,is_banked,score", SUBMISSIONS);
    String clicksHeader = "code_module,code_presentation,id_student,id_site,date,sum_click";
    if (layout == Layout.ORIGINAL) {
      table(dir, layout, "studentVle", clicksHeader, CLICKS);
    } else {
      Path per = Files.createDirectories(dir.resolve("studentVle"));
      for (String course : new String[] {"AAA-2013J", "BBB-2013J"}) {
        String prefix = course.replace('-', ',') + ",";
        List<String> rows = new ArrayList<>();
        for (String row : CLICKS) {
          if (row.startsWith(prefix)) {
            rows.add(row);
          }
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(per.resolve(course + ".csv.gz")))) {
          out.write(render(layout, clicksHeader, rows.toArray(String[]::new)));
        }
      }
    }
    return dir;
  }

  /** Writes one table as {@code <name>.csv}. */
  static void table(Path dir, Layout layout, String name, String header, String[] rows) throws IOException {
    Files.write(dir.resolve(name + ".csv"), render(layout, header, rows));
  }

  static byte[] render(Layout layout, String header, String[] rows) {
    StringBuilder b = new StringBuilder();
    String eol = layout == Layout.ORIGINAL ? "\r\n" : "\n";
    for (String line : concat(header, rows)) {
      if (layout == Layout.ORIGINAL) {
        String[] f = line.split(",", -1);
        for (int i = 0; i < f.length; i++) {
          b.append(i == 0 ? "" : ",").append(f[i].isEmpty() ? "?" : '"' + f[i] + '"');
        }
      } else {
        b.append(line);
      }
      b.append(eol);
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> concat(String header, String[] rows) {
    List<String> all = new ArrayList<>();
    all.add(header);
    all.addAll(List.of(rows));
    return all;
  }
}
