package coursepulse.lms.simulator;

import java.text.Normalizer;
import java.util.Locale;
import java.util.random.RandomGenerator;
import net.datafaker.Faker;
import net.datafaker.service.RandomService;

/**
 * Names and emails for enrolment events. datafaker fills a pool of first and last names once per
 * run (seeded, so the pool is the same for the same seed); each student then draws from the pool
 * with its own seed, so a student has the same name in every course and every run. A datafaker
 * call costs about a millisecond, too slow for a million students; 500 x 500 combinations and a
 * two-digit suffix keep names and emails varied. Emails use the reserved {@code example.edu} domain.
 */
final class Names {
  private static final long TAG_NAME = 0x4E414D45L;
  private static final int POOL = 500;

  private final long seed;
  private final Rng rng = new Rng(0);
  private String[] first;
  private String[] last;
  private String[] firstLocal;
  private String[] lastLocal;
  private byte[][] firstUtf8;
  private byte[][] lastUtf8;
  // the student last drawn by draw()
  int drawnFirst;
  int drawnLast;
  int drawnSuffix;

  Names(long seed) {
    this.seed = seed;
  }

  private void fill() {
    Rng fakerRng = new Rng(Rng.hash(seed, TAG_NAME, -1));
    RandomGenerator generator = fakerRng::nextLong;
    Faker faker = new Faker(Locale.ENGLISH, new RandomService(generator));
    first = new String[POOL];
    last = new String[POOL];
    for (int i = 0; i < POOL; i++) {
      first[i] = plain(faker.name()::firstName);
      last[i] = plain(faker.name()::lastName);
    }
    firstUtf8 = new byte[POOL][];
    lastUtf8 = new byte[POOL][];
    for (int i = 0; i < POOL; i++) {
      firstUtf8[i] = first[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
      lastUtf8[i] = last[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    firstLocal = new String[POOL];
    lastLocal = new String[POOL];
    for (int i = 0; i < POOL; i++) {
      firstLocal[i] = local(first[i]);
      lastLocal[i] = local(last[i]);
    }
  }

  /** Draws a student's name into {@link #drawnFirst}, {@link #drawnLast}, {@link #drawnSuffix}. */
  void draw(int student) {
    if (first == null) {
      fill();
    }
    rng.reseed(Rng.hash(seed, TAG_NAME, student));
    drawnFirst = rng.nextInt(POOL);
    drawnLast = rng.nextInt(POOL);
    drawnSuffix = rng.nextInt(100);
  }

  /** {@code [name, email]} of a student. */
  String[] of(int student) {
    draw(student);
    int f = drawnFirst;
    int l = drawnLast;
    String email = firstLocal[f] + "." + lastLocal[l] + drawnSuffix + "@students.example.edu";
    return new String[] {first[f] + " " + last[l], email};
  }

  /** Writes the drawn student's name and email as JSON string contents (no escaping needed). */
  void writeDrawn(JsonOut o, byte[] betweenNameAndEmail) {
    o.raw(firstUtf8[drawnFirst]).raw(' ').raw(lastUtf8[drawnLast]).raw(betweenNameAndEmail);
    o.raw(ascii(firstLocal[drawnFirst])).raw('.').raw(ascii(lastLocal[drawnLast]));
    o.padded(drawnSuffix, 1).raw(EMAIL_DOMAIN);
  }

  private static final byte[] EMAIL_DOMAIN = JsonOut.ascii("@students.example.edu");

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** A name that needs no JSON escaping, so hand-written JSON equals Jackson's. */
  private static String plain(java.util.function.Supplier<String> source) {
    for (int attempt = 0; ; attempt++) {
      String s = source.get();
      boolean ok = !s.isEmpty();
      for (int i = 0; i < s.length() && ok; i++) {
        char c = s.charAt(i);
        ok = c >= 0x20 && c != '"' && c != '\\';
      }
      if (ok || attempt > 20) {
        return ok ? s : "Student";
      }
    }
  }

  private static String local(String s) {
    String plain = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    String cleaned = plain.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return cleaned.isEmpty() ? "student" : cleaned;
  }
}
