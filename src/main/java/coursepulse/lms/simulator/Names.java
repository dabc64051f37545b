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
      first[i] = faker.name().firstName();
      last[i] = faker.name().lastName();
    }
    firstLocal = new String[POOL];
    lastLocal = new String[POOL];
    for (int i = 0; i < POOL; i++) {
      firstLocal[i] = local(first[i]);
      lastLocal[i] = local(last[i]);
    }
  }

  /** {@code [name, email]} of a student. */
  String[] of(int student) {
    if (first == null) {
      fill();
    }
    rng.reseed(Rng.hash(seed, TAG_NAME, student));
    int f = rng.nextInt(POOL);
    int l = rng.nextInt(POOL);
    String email = firstLocal[f] + "." + lastLocal[l] + rng.nextInt(100) + "@students.example.edu";
    return new String[] {first[f] + " " + last[l], email};
  }

  private static String local(String s) {
    String plain = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    String cleaned = plain.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return cleaned.isEmpty() ? "student" : cleaned;
  }
}
