package dev.trainset.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a synthetic instruction corpus in the shape of {@code pipelines/samples/quickstart.jsonl},
 * for benchmarks ({@code runners/bench.sh}).
 *
 * <p>{@code GenerateCorpus N OUTPUT [SEED]} writes exactly N lines. Everything comes from one
 * {@code java.util.Random(SEED)} (default 42), so the same seed gives a byte-identical file. The
 * corpus has six categories with skewed frequencies, outputs from a few words to about 2,000
 * characters (log-normal), about 5% duplicates that differ only in case and white space, about
 * 3% near copies with one word of the output changed (what near dedup is for; exact dedup keeps
 * them), about 0.5% records with a missing or empty output and about 0.1% malformed lines.
 *
 * <p>At the end it prints one line, {@code corpus: records=... expected_duplicates=...}, with the
 * counts a pipeline using exact dedup and {@code skip_empty_output} should report. Expected
 * duplicates are counted by normalizing content the way trainset's exact dedup does (NFKC, lower
 * case, white space runs as one space), so chance collisions are included too.
 */
public final class GenerateCorpus {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /** The strata and how often each appears (sums to 1). */
  private static final String[] CATEGORIES = {
    "coding", "general", "math", "writing", "science", "geography"
  };
  private static final double[] CATEGORY_SHARE = {0.34, 0.24, 0.16, 0.12, 0.09, 0.05};

  private static final String[] SOURCES = {"synthetic", "forum", "handwritten", "docs", "translated"};
  private static final double[] SOURCE_SHARE = {0.45, 0.25, 0.15, 0.10, 0.05};

  private static final double DUPLICATE_RATE = 0.05;
  private static final double NEAR_COPY_RATE = 0.03;
  private static final double NO_OUTPUT_RATE = 0.005;
  private static final double MALFORMED_RATE = 0.001;
  /** Records a duplicate may copy: the most recent ones, so memory stays bounded. */
  private static final int POOL_SIZE = 20_000;

  private static final LocalDate FIRST_DAY = LocalDate.of(2023, 1, 1);
  private static final int DAYS = 3 * 365;

  private static final String[] NOUNS = {
    "system", "process", "value", "result", "function", "list", "river", "city", "market",
    "engine", "signal", "network", "record", "garden", "window", "pattern", "budget", "report",
    "letter", "theory", "method", "sample", "model", "village", "bridge", "planet", "cell",
    "protein", "equation", "variable", "matrix", "server", "client", "request", "response",
    "policy", "team", "customer", "product", "question", "answer", "story", "poem", "chapter",
    "mountain", "ocean", "forest", "desert", "climate", "election", "museum", "recipe", "café",
    "algorithm", "database", "query", "index", "cache", "thread", "queue", "parser", "compiler",
    "triangle", "integer", "fraction", "vector", "proof", "theorem", "experiment", "molecule",
    "energy", "orbit", "galaxy", "border", "capital", "harbour", "province", "island", "valley"
  };
  private static final String[] VERBS = {
    "changes", "returns", "describes", "improves", "reduces", "contains", "explains", "follows",
    "supports", "measures", "connects", "produces", "requires", "shows", "compares", "stores",
    "updates", "sorts", "filters", "counts", "predicts", "balances", "limits", "extends",
    "protects", "replaces", "combines", "separates", "crosses", "reaches", "feeds", "drives"
  };
  private static final String[] ADJECTIVES = {
    "simple", "large", "small", "careful", "quick", "slow", "central", "modern", "ancient",
    "useful", "common", "rare", "stable", "naïve", "efficient", "recursive", "linear", "local",
    "global", "hidden", "public", "private", "northern", "southern", "coastal", "dense", "sparse",
    "important", "typical", "clear", "complex", "formal", "gentle", "bright", "narrow", "wide"
  };
  private static final String[] ADVERBS = {
    "usually", "often", "rarely", "quickly", "slowly", "carefully", "always", "sometimes",
    "clearly", "mostly", "gradually", "directly"
  };
  private static final String[] CONNECTORS = {
    "However,", "In practice,", "For example,", "As a result,", "In short,", "First,", "Then,",
    "Finally,", "Note that", "In most cases,", "By contrast,", "Because of this,"
  };
  private static final String[] LANGUAGES = {"Python", "Java", "JavaScript", "Go", "Rust", "SQL", "C", "Bash"};
  private static final String[] PLACES = {
    "Zürich", "Lisbon", "Nairobi", "Osaka", "Lima", "Oslo", "Hanoi", "Quebec", "Perth", "Cairo",
    "Bogotá", "Reykjavík", "Tbilisi", "Montevideo", "Kraków", "São Paulo", "Accra", "Auckland"
  };
  private static final String[] ELEMENTS = {
    "hydrogen", "carbon", "oxygen", "iron", "sodium", "helium", "silicon", "nitrogen", "copper"
  };
  private static final String[] GENRES = {
    "haiku", "short story", "product description", "cover letter", "limerick", "blog post",
    "summary", "press release", "thank-you note", "speech"
  };

  private final Random random;

  private GenerateCorpus(long seed) {
    this.random = new Random(seed);
  }

  /** The text fields of a record a duplicate can copy. */
  private record Content(String instruction, String input, String output, int category) {}

  /** Counts of what was written, by kind. */
  private static final class Tally {
    long records;
    long planted;
    long plantedNear;
    long missingOutput;
    long emptyOutput;
    long parseErrors;
    long notObjects;
    long expectedDuplicates;

    String line() {
      long rejected = missingOutput + emptyOutput + parseErrors + notObjects + expectedDuplicates;
      return "corpus: records=" + records
          + " planted_duplicates=" + planted
          + " planted_near_copies=" + plantedNear
          + " expected_duplicates=" + expectedDuplicates
          + " missing_output=" + missingOutput
          + " empty_output=" + emptyOutput
          + " malformed=" + (parseErrors + notObjects)
          + " (parse_error=" + parseErrors + " not_an_object=" + notObjects + ")"
          + " expected_rejected=" + rejected
          + " expected_exported=" + (records - rejected);
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: GenerateCorpus N OUTPUT [SEED]   (SEED defaults to 42)");
      System.exit(2);
    }
    long n = Long.parseLong(args[0]);
    Path output = Path.of(args[1]);
    long seed = args.length == 3 ? Long.parseLong(args[2]) : 42L;
    if (n < 0) {
      throw new IllegalArgumentException("N must be >= 0, got " + n);
    }
    Tally tally;
    try (Writer writer = new BufferedWriter(
        new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8), 1 << 16)) {
      tally = new GenerateCorpus(seed).write(n, writer);
    }
    System.out.println(tally.line());
  }

  private Tally write(long n, Writer writer) throws IOException {
    Tally tally = new Tally();
    List<Content> pool = new ArrayList<>();
    int poolNext = 0;
    Set<String> seen = new HashSet<>();
    for (long i = 1; i <= n; i++) {
      String id = String.format(Locale.ROOT, "rec-%07d", i);
      double roll = random.nextDouble();
      String line;
      if (roll < MALFORMED_RATE) {
        line = malformed(id, tally);
      } else if (roll < MALFORMED_RATE + NO_OUTPUT_RATE) {
        line = JSON.writeValueAsString(withoutOutput(id, tally));
      } else {
        Content content;
        if (roll < MALFORMED_RATE + NO_OUTPUT_RATE + DUPLICATE_RATE && !pool.isEmpty()) {
          content = perturb(pool.get(random.nextInt(pool.size())));
          tally.planted++;
        } else if (roll < MALFORMED_RATE + NO_OUTPUT_RATE + DUPLICATE_RATE + NEAR_COPY_RATE
            && !pool.isEmpty()) {
          content = nearCopy(pool.get(random.nextInt(pool.size())));
          tally.plantedNear++;
        } else {
          content = fresh();
          if (pool.size() < POOL_SIZE) {
            pool.add(content);
          } else {
            pool.set(poolNext, content);
            poolNext = (poolNext + 1) % POOL_SIZE;
          }
        }
        if (!seen.add(contentKey(content))) {
          tally.expectedDuplicates++;
        }
        line = JSON.writeValueAsString(record(id, content));
      }
      writer.write(line);
      writer.write('\n');
      tally.records++;
    }
    return tally;
  }

  // ---- records -------------------------------------------------------------------------------

  private ObjectNode record(String id, Content content) {
    ObjectNode record = JSON.createObjectNode();
    record.put("id", id);
    record.put("instruction", content.instruction());
    // A few records leave the optional input out instead of sending it empty.
    if (!content.input().isEmpty() || random.nextDouble() >= 0.03) {
      record.put("input", content.input());
    }
    record.put("output", content.output());
    metadata(record, content.category());
    return record;
  }

  private ObjectNode withoutOutput(String id, Tally tally) {
    Content content = fresh();
    ObjectNode record = JSON.createObjectNode();
    record.put("id", id);
    record.put("instruction", content.instruction());
    record.put("input", content.input());
    if (random.nextBoolean()) {
      record.put("output", "");
      tally.emptyOutput++;
    } else {
      tally.missingOutput++;
    }
    metadata(record, content.category());
    return record;
  }

  private void metadata(ObjectNode record, int category) {
    record.put("category", CATEGORIES[category]);
    record.put("source", SOURCES[pick(SOURCE_SHARE)]);
    LocalDate day = FIRST_DAY.plusDays(random.nextInt(DAYS));
    if (random.nextDouble() < 0.02) {
      long millis = day.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli()
          + random.nextInt(86_400_000);
      record.put("created_at", millis);
    } else {
      record.put("created_at", day.toString());
    }
    double importance = random.nextDouble();
    if (importance < 0.01) {
      record.put("importance", random.nextBoolean() ? "1.5" : "0.75");
    } else if (importance < 0.08) {
      record.put("importance", 0.5);
    } else if (importance < 0.15) {
      record.put("importance", 2.0);
    } else {
      record.put("importance", 1.0);
    }
    // Skewed towards good scores, as curated data is.
    double score = 1.0 - Math.pow(random.nextDouble(), 2.5);
    record.put("quality_score", Math.round(score * 100) / 100.0);
  }

  /** A line no JSON-lines reader can take as a record: a cut-off object, or not an object. */
  private String malformed(String id, Tally tally) throws IOException {
    if (random.nextDouble() < 0.2) {
      tally.notObjects++;
      return JSON.writeValueAsString(List.of(id, fresh().instruction()));
    }
    tally.parseErrors++;
    String whole = JSON.writeValueAsString(record(id, fresh()));
    int cut = 10 + random.nextInt(whole.length() - 12);
    if (Character.isHighSurrogate(whole.charAt(cut - 1))) {
      cut--;
    }
    return whole.substring(0, cut);
  }

  // ---- content -------------------------------------------------------------------------------

  private Content fresh() {
    int category = pick(CATEGORY_SHARE);
    String[] instructionAndInput = instruction(category);
    return new Content(instructionAndInput[0], instructionAndInput[1], output(category), category);
  }

  private String[] instruction(int category) {
    String noun = word(NOUNS);
    String adjective = word(ADJECTIVES);
    return switch (CATEGORIES[category]) {
      case "coding" -> switch (random.nextInt(4)) {
        case 0 -> new String[] {
          "Write a " + word(LANGUAGES) + " function that " + word(VERBS).replaceAll("s$", "")
              + " a " + adjective + " " + noun + ".", ""};
        case 1 -> new String[] {"Explain what this " + word(LANGUAGES) + " code does.", code()};
        case 2 -> new String[] {"Find the bug in the following snippet.", code()};
        default -> new String[] {
          "What is the difference between a " + noun + " and a " + word(NOUNS) + " in "
              + word(LANGUAGES) + "?", ""};
      };
      case "math" -> switch (random.nextInt(3)) {
        case 0 -> new String[] {"Solve for x.", equation()};
        case 1 -> new String[] {"Compute the area of a " + adjective + " triangle.",
            "base = " + (1 + random.nextInt(40)) + " cm, height = " + (1 + random.nextInt(40)) + " cm"};
        default -> new String[] {"Explain what a " + noun + " is in " + word(new String[] {
            "algebra", "geometry", "statistics", "calculus", "number theory"}) + ".", ""};
      };
      case "writing" -> random.nextInt(3) == 0
          ? new String[] {"Rewrite the following text in a more " + adjective + " tone.", sentence()}
          : new String[] {"Write a " + word(GENRES) + " about a " + adjective + " " + noun + ".", ""};
      case "science" -> new String[] {
        random.nextBoolean()
            ? "Why does " + word(ELEMENTS) + " behave differently in a " + adjective + " " + noun + "?"
            : "Describe how a " + noun + " " + word(VERBS) + " " + word(ELEMENTS) + ".",
        ""};
      case "geography" -> random.nextInt(4) == 0
          ? new String[] {"Describe the location of this place.", word(PLACES)}
          : new String[] {"What is the " + noun + " of " + word(PLACES) + " known for?", ""};
      default -> random.nextInt(3) == 0
          ? new String[] {"Summarize the following passage.", paragraph(200 + random.nextInt(600))}
          : new String[] {"Give advice about a " + adjective + " " + noun + ".", ""};
    };
  }

  /** An answer of log-normal length: median about 350 characters, from a few words to 2,000. */
  private String output(int category) {
    double target = Math.exp(Math.log(350) + 0.9 * random.nextGaussian());
    int length = (int) Math.max(12, Math.min(2000, target));
    if (length < 40) {
      // Short answers: a few words.
      StringBuilder few = new StringBuilder(capitalize(word(ADJECTIVES)));
      int words = 1 + random.nextInt(4);
      for (int i = 0; i < words; i++) {
        few.append(' ').append(word(random.nextBoolean() ? NOUNS : ADJECTIVES));
      }
      return few.append('.').toString();
    }
    StringBuilder text = new StringBuilder(length + 80);
    while (text.length() < length) {
      double kind = random.nextDouble();
      if (text.length() > 0) {
        if (kind < 0.12) {
          text.append("\n\n");
        } else if (kind < 0.18) {
          text.append("\n- ");
        } else {
          text.append(' ');
        }
      }
      if ("coding".equals(CATEGORIES[category]) && kind > 0.95) {
        text.append("\n```\n").append(code()).append("\n```\n");
      } else {
        text.append(sentence());
      }
    }
    return trimTo(text.toString(), length);
  }

  private String paragraph(int length) {
    StringBuilder text = new StringBuilder(length + 80);
    while (text.length() < length) {
      if (text.length() > 0) {
        text.append(' ');
      }
      text.append(sentence());
    }
    return trimTo(text.toString(), length);
  }

  /** Cuts at the last word boundary at or before {@code length}, ending with a full stop. */
  private static String trimTo(String text, int length) {
    if (text.length() <= length) {
      return text;
    }
    int space = text.lastIndexOf(' ', length);
    String cut = (space > length / 2 ? text.substring(0, space) : text.substring(0, length)).strip();
    if (cut.endsWith(",") || cut.endsWith("-")) {
      cut = cut.substring(0, cut.length() - 1);
    }
    return cut.endsWith(".") ? cut : cut + ".";
  }

  private String sentence() {
    String body = switch (random.nextInt(6)) {
      case 0 -> "the " + word(ADJECTIVES) + " " + word(NOUNS) + " " + word(VERBS) + " the "
          + word(NOUNS);
      case 1 -> "a " + word(NOUNS) + " " + word(ADVERBS) + " " + word(VERBS) + " a "
          + word(ADJECTIVES) + " " + word(NOUNS) + " when the " + word(NOUNS) + " is "
          + word(ADJECTIVES);
      case 2 -> "each " + word(NOUNS) + " " + word(VERBS) + " about " + (2 + random.nextInt(998))
          + " " + word(NOUNS) + "s per " + word(new String[] {"day", "hour", "year", "request"});
      case 3 -> "the " + word(NOUNS) + " in " + word(PLACES) + " " + word(VERBS) + " its "
          + word(ADJECTIVES) + " " + word(NOUNS);
      case 4 -> "a “" + word(ADJECTIVES) + " " + word(NOUNS) + "” " + word(VERBS)
          + " every " + word(NOUNS) + " it " + word(VERBS);
      default -> "this " + word(VERBS) + " the " + word(NOUNS) + " and " + word(VERBS) + " the "
          + word(ADJECTIVES) + " " + word(NOUNS);
    };
    String start = random.nextDouble() < 0.25 ? word(CONNECTORS) + " " + body : capitalize(body);
    return start + (random.nextDouble() < 0.1 ? "?" : ".");
  }

  private String code() {
    String name = word(NOUNS).replace("é", "e");
    String other = word(NOUNS).replace("é", "e");
    return switch (random.nextInt(3)) {
      case 0 -> "def " + name + "(" + other + "):\n    return [x for x in " + other
          + " if x > " + random.nextInt(100) + "]";
      case 1 -> "for (int i = 0; i <= " + name + ".length; i++) {\n\tsum += " + name + "[i];\n}";
      default -> "SELECT " + name + ", COUNT(*) FROM " + other + " WHERE path = 'C:\\\\data\\\\"
          + name + "' GROUP BY 1;";
    };
  }

  private String equation() {
    int a = 1 + random.nextInt(12);
    int x = random.nextInt(50) - 10;
    int b = random.nextInt(60) - 20;
    return a + "x " + (b < 0 ? "- " + -b : "+ " + b) + " = " + (a * x + b);
  }

  // ---- duplicates ----------------------------------------------------------------------------

  /** The same content with changes exact dedup ignores: letter case and white space. */
  private Content perturb(Content original) {
    return new Content(
        perturbText(original.instruction()),
        perturbText(original.input()),
        perturbText(original.output()),
        original.category());
  }

  /** The same content with one word of the output replaced: a near copy, not an exact one. */
  private Content nearCopy(Content original) {
    String[] words = original.output().split(" ");
    words[random.nextInt(words.length)] = NEAR_COPY_WORDS[random.nextInt(NEAR_COPY_WORDS.length)];
    return new Content(
        original.instruction(), original.input(), String.join(" ", words), original.category());
  }

  private static final String[] NEAR_COPY_WORDS = {"indeed", "namely", "roughly", "often", "also"};

  private String perturbText(String text) {
    if (text.isEmpty()) {
      return text;
    }
    String changed = switch (random.nextInt(4)) {
      case 0 -> text.toLowerCase(Locale.ROOT);
      case 1 -> text.toUpperCase(Locale.ROOT);
      case 2 -> swapFirstLetters(text);
      default -> text;
    };
    StringBuilder spaced = new StringBuilder(changed.length() + 8);
    for (int i = 0; i < changed.length(); i++) {
      char c = changed.charAt(i);
      if (c == ' ' && random.nextDouble() < 0.05) {
        spaced.append(random.nextBoolean() ? "  " : random.nextBoolean() ? "\t" : " \n ");
      } else {
        spaced.append(c);
      }
    }
    if (random.nextDouble() < 0.3) {
      spaced.append(random.nextBoolean() ? " " : "\n");
    }
    if (random.nextDouble() < 0.1) {
      spaced.insert(0, ' ');
    }
    return spaced.toString();
  }

  private String swapFirstLetters(String text) {
    StringBuilder swapped = new StringBuilder(text);
    boolean wordStart = true;
    for (int i = 0; i < swapped.length(); i++) {
      char c = swapped.charAt(i);
      if (wordStart && Character.isLetter(c) && random.nextDouble() < 0.3) {
        swapped.setCharAt(i, Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
      }
      wordStart = Character.isWhitespace(c);
    }
    return swapped.toString();
  }

  /**
   * The key trainset's exact dedup compares, as a digest: instruction, input and output joined by
   * new lines, NFKC, lower case, white space runs as one space.
   */
  private static String contentKey(Content content) {
    String text = content.instruction() + "\n" + content.input() + "\n" + content.output();
    String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    String normalized = WHITESPACE.matcher(folded).replaceAll(" ").trim();
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(normalized.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private String word(String[] words) {
    return words[random.nextInt(words.length)];
  }

  private int pick(double[] shares) {
    double roll = random.nextDouble();
    double sum = 0;
    for (int i = 0; i < shares.length; i++) {
      sum += shares[i];
      if (roll < sum) {
        return i;
      }
    }
    return shares.length - 1;
  }

  private static String capitalize(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
