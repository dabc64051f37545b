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
 * call costs about a millisecond, too slow for a million students; 1,000 x 1,000 combinations
 * keep names varied. Emails use the reserved {@code example.edu} domain.
 */
final class Names {
  private static final long TAG_NAME = 0x4E414D45L;
  private static final int POOL = 1_000;

  private final long seed;
  private final Rng rng = new Rng(0);
  private String[] first;
  private String[] last;

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
  }

  /** {@code [name, email]} of a student. */
  String[] of(int student) {
    if (first == null) {
      fill();
    }
    rng.reseed(Rng.hash(seed, TAG_NAME, student));
    String f = first[rng.nextInt(POOL)];
    String l = last[rng.nextInt(POOL)];
    String email = local(f) + "." + local(l) + rng.nextInt(100) + "@students.example.edu";
    return new String[] {f + " " + l, email};
  }

  private static String local(String s) {
    String plain = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    String cleaned = plain.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return cleaned.isEmpty() ? "student" : cleaned;
  }
}
