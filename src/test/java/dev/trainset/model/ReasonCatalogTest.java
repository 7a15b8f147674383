package dev.trainset.model;

import static dev.trainset.testing.Fixtures.doc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@link Reason} catalog against README.md's table "Why a record is refused": the same
 * (stage, reason) pairs, neither side with one the other lacks.
 */
class ReasonCatalogTest {
  private static final Path README = Path.of("README.md");
  private static final Pattern HEADER = Pattern.compile("^\\|\\s*stage\\s*\\|\\s*reason\\s*\\|.*");
  private static final Pattern LABEL = Pattern.compile("`([^`]*)`");

  /** The table's pairs as {@code stage reason}, one per reason named in a row. */
  private static Set<String> readmePairs() throws IOException {
    List<String> lines = Files.readAllLines(README);
    int header = 0;
    while (header < lines.size() && !HEADER.matcher(lines.get(header)).matches()) {
      header++;
    }
    assertTrue(header < lines.size(), "README.md has no table with columns stage | reason");
    Set<String> pairs = new TreeSet<>();
    // The line after the header is the |---| separator; the table ends at the first other line.
    for (int row = header + 2; row < lines.size() && lines.get(row).startsWith("|"); row++) {
      String[] cells = lines.get(row).split("\\|");
      String stage = cells[1].strip();
      Matcher label = LABEL.matcher(cells[2]);
      List<String> reasons = new ArrayList<>();
      while (label.find()) {
        reasons.add(label.group(1));
      }
      // A reason written without backticks would slip past the comparison: refuse the row.
      assertTrue(LABEL.matcher(cells[2]).replaceAll("").matches("[\\s,/]*"),
          "README.md row " + (row + 1) + ": write each reason in backticks: " + cells[2]);
      assertFalse(reasons.isEmpty(), "README.md row " + (row + 1) + " names no reason");
      reasons.forEach(reason -> pairs.add(stage + " " + reason));
    }
    return pairs;
  }

  private static Set<String> catalogPairs() {
    Set<String> pairs = new TreeSet<>();
    for (Reason reason : Reason.values()) {
      reason.stages().forEach(stage -> pairs.add(stage.label() + " " + reason.label()));
    }
    return pairs;
  }

  @Test
  void readmeTableListsTheCatalogsPairsExactly() throws IOException {
    Set<String> readme = readmePairs();
    Set<String> catalog = catalogPairs();
    Set<String> notInReadme = new TreeSet<>(catalog);
    notInReadme.removeAll(readme);
    Set<String> notInCatalog = new TreeSet<>(readme);
    notInCatalog.removeAll(catalog);
    assertEquals(Set.of(), notInReadme, "in Reason but not in README.md's table");
    assertEquals(Set.of(), notInCatalog, "in README.md's table but not in Reason");
  }

  @Test
  void labelsAreDistinctAndMeaningsOneLine() {
    Set<String> reasons = new HashSet<>();
    for (Reason reason : Reason.values()) {
      assertTrue(reasons.add(reason.label()), "two reasons labelled " + reason.label());
      assertTrue(reason.label().matches("[a-z_]+"), reason.label());
      assertFalse(reason.meaning().isBlank(), reason + " has no meaning");
      assertFalse(reason.meaning().contains("\n"), reason + "'s meaning is not one line");
    }
    Set<String> stages = new HashSet<>();
    for (Stage stage : Stage.values()) {
      assertTrue(stages.add(stage.label()), "two stages labelled " + stage.label());
    }
  }

  @Test
  void aRejectionCarriesTheLabels() {
    Document document = doc("r-1", "{\"instruction\": \"Hi\", \"output\": \"Hello\"}");

    assertEquals(Rejected.of(document, "quality", "duplicate", "duplicate of a (test:1)"),
        Rejections.of(document, Stage.QUALITY, Reason.DUPLICATE, "duplicate of a (test:1)"));
    assertEquals(Rejected.of(document, "segment", "missing_field", "no 'body' field"),
        Rejections.of(document, Stage.SEGMENT, Reason.MISSING_FIELD, "no 'body' field"));
  }

  @Test
  void aStageCannotGiveAReasonTheCatalogDoesNotListForIt() {
    Document document = doc("r-1", "{\"instruction\": \"Hi\", \"output\": \"Hello\"}");

    assertThrows(IllegalArgumentException.class,
        () -> Rejections.of(document, Stage.READ, Reason.DUPLICATE, "duplicate of a"));
    assertThrows(IllegalArgumentException.class,
        () -> Rejections.of(document, Stage.WEIGHTS, Reason.MISSING_FIELD, "no 'weight' field"));
  }
}
