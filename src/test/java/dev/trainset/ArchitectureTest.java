package dev.trainset;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering README's code map describes, held against the compiled main classes:
 * {@code model} at the bottom, then {@code config}, {@code fields} and {@code formats}, the six
 * stage packages, {@code report}, {@code finish} (what follows the pipeline: reports, side files,
 * publishing), and the command line and the graph in {@code dev.trainset}.
 */
class ArchitectureTest {
  private static final String[] STAGES = {
      "dev.trainset.read..", "dev.trainset.quality..", "dev.trainset.weights..",
      "dev.trainset.segment..", "dev.trainset.split..", "dev.trainset.write.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.trainset");
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("dev.trainset.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void modelDependsOnNoOtherPackage() {
    noClasses().that().resideInAPackage("dev.trainset.model..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "dev.trainset", "dev.trainset.config..", "dev.trainset.fields..",
            "dev.trainset.formats..", "dev.trainset.report..", "dev.trainset.read..",
            "dev.trainset.quality..", "dev.trainset.weights..", "dev.trainset.segment..",
            "dev.trainset.split..", "dev.trainset.write..", "dev.trainset.finish..")
        .check(classes);
  }

  @Test
  void configImportsNeitherFormatsNorStages() {
    noClasses().that().resideInAPackage("dev.trainset.config..")
        .should().dependOnClassesThat().resideInAnyPackage(concat(STAGES,
            "dev.trainset", "dev.trainset.formats..", "dev.trainset.fields..",
            "dev.trainset.report..", "dev.trainset.finish.."))
        .check(classes);
  }

  @Test
  void stagesDoNotImportTheReportOrTheCommandLine() {
    noClasses().that().resideInAnyPackage(STAGES)
        .should().dependOnClassesThat().resideInAnyPackage(
            "dev.trainset.report..", "dev.trainset.finish..", "dev.trainset")
        .check(classes);
  }

  @Test
  void reportKnowsNeitherFinishingNorTheCommandLine() {
    noClasses().that().resideInAPackage("dev.trainset.report..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.trainset.finish..", "dev.trainset")
        .check(classes);
  }

  @Test
  void finishingKnowsNeitherTheCommandLineNorTheGraph() {
    noClasses().that().resideInAPackage("dev.trainset.finish..")
        .should().dependOnClassesThat().resideInAPackage("dev.trainset")
        .check(classes);
  }

  @Test
  void formatsKnowNoStage() {
    noClasses().that().resideInAPackage("dev.trainset.formats..")
        .should().dependOnClassesThat().resideInAnyPackage(concat(STAGES,
            "dev.trainset", "dev.trainset.report..", "dev.trainset.finish.."))
        .check(classes);
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = new String[first.length + more.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }
}
