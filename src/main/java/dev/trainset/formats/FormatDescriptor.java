package dev.trainset.formats;

import dev.trainset.config.PipelineSpec;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What trainset knows of one output format before it writes an example: its name, its {@link
 * FormatKind}, whether its files can be read back, the {@link SideFile}s written beside them, and
 * how to make it from the {@code output} section. {@link Formats} hands one out for every name
 * {@code output.formats} may hold, so that the writes, the read-back and the reports ask it
 * rather than compare names.
 */
public final class FormatDescriptor {
  /** Makes a format from the {@code output} section; the tabular ones take the table's columns. */
  @FunctionalInterface
  interface Factory {
    OutputFormat create(PipelineSpec.Output output, @Nullable ExampleTable table);
  }

  private final String name;
  private final FormatKind kind;
  private final boolean readBack;
  private final boolean table;
  private final Set<SideFile> sideFiles;
  private final @Nullable TrainerLayout trainerLayout;
  private final @Nullable Factory factory;

  private FormatDescriptor(String name, FormatKind kind, boolean readBack, boolean table,
      Set<SideFile> sideFiles, @Nullable TrainerLayout trainerLayout, @Nullable Factory factory) {
    this.name = name;
    this.kind = kind;
    this.readBack = readBack;
    this.table = table;
    this.sideFiles = Collections.unmodifiableSet(sideFiles);
    this.trainerLayout = trainerLayout;
    this.factory = factory;
  }

  /** The format {@code name} of {@code kind}: not read back, no columns, no side files. */
  static FormatDescriptor of(String name, FormatKind kind) {
    return new FormatDescriptor(name, kind, false, false, EnumSet.noneOf(SideFile.class), null,
        null);
  }

  /** Made by {@code factory}: every kind but the Parquet ones, whose rows are {@link #records}. */
  FormatDescriptor encodedBy(Factory factory) {
    return new FormatDescriptor(name, kind, readBack, table, sideFiles, trainerLayout, factory);
  }

  /** Read back by the {@link OutputFormat#fileCheck()} of the format it makes. */
  FormatDescriptor readBack(boolean readBack) {
    return new FormatDescriptor(name, kind, readBack, table, sideFiles, trainerLayout, factory);
  }

  /** Its columns come from the pipeline file ({@link ExampleTable}). */
  FormatDescriptor withTable() {
    return new FormatDescriptor(name, kind, readBack, true, sideFiles, trainerLayout, factory);
  }

  FormatDescriptor withSideFiles(SideFile... files) {
    Set<SideFile> all = EnumSet.noneOf(SideFile.class);
    all.addAll(sideFiles);
    all.addAll(Set.of(files));
    return new FormatDescriptor(name, kind, readBack, table, all, trainerLayout, factory);
  }

  /** Handed off to trainers, who read its records as {@code layout} says. */
  FormatDescriptor withTrainerLayout(TrainerLayout layout) {
    return new FormatDescriptor(name, kind, readBack, table, sideFiles, layout, factory)
        .withSideFiles(SideFile.TRAINER_HANDOFF);
  }

  /** The name in {@code output.formats}, and the format's folder. */
  public String name() {
    return name;
  }

  public FormatKind kind() {
    return kind;
  }

  /**
   * Whether a run reads the files back into {@code _report/validation.json} and {@code trainset
   * validate} checks them. A custom format is read back when the format its provider makes has a
   * {@link OutputFormat#fileCheck()}, unless the provider says it cannot be: see {@link #reader}.
   */
  public boolean canReadBack() {
    return readBack;
  }

  /** The files written for this format besides its split files. */
  public Set<SideFile> sideFiles() {
    return sideFiles;
  }

  public boolean has(SideFile file) {
    return sideFiles.contains(file);
  }

  /** How trainers read the records, for a format with a {@link SideFile#TRAINER_HANDOFF}. */
  public Optional<TrainerLayout> trainerLayout() {
    return Optional.ofNullable(trainerLayout);
  }

  /** Whether its columns come from the pipeline file, so that writing it needs the table. */
  public boolean needsTable() {
    return table;
  }

  /** Whether split names must be ones the Hugging Face Hub takes (word characters and dots). */
  public boolean needsHubSplitNames() {
    return kind == FormatKind.FOLDER;
  }

  /** Whether {@code output.select} applies: its records are numbered by their place in a split. */
  public boolean selectsByIndex() {
    return kind == FormatKind.INDEXED_TOKENS;
  }

  /** Whether {@code output.partition_by} gives it Hive folders (the Hub's layout has none). */
  public boolean partitioned() {
    return kind != FormatKind.FOLDER;
  }

  /** The folder its split files go in, relative to the output folder. */
  public String dataFolder() {
    return kind == FormatKind.FOLDER ? name + "/data" : name;
  }

  /**
   * The format configured by {@code output}; {@code table} gives the columns of one that {@link
   * #needsTable}. Not for the Parquet kinds, whose rows are {@link #records}.
   */
  public OutputFormat create(PipelineSpec.Output output, @Nullable ExampleTable table) {
    if (factory == null) {
      throw new IllegalArgumentException(
          "the format " + name + " is written as Parquet rows, not encoded one example at a time");
    }
    if (this.table && table == null) {
      throw new IllegalArgumentException(
          "the format " + name + " takes its columns from the pipeline file: give the table");
    }
    return factory.create(output, table);
  }

  /**
   * The format configured by {@code output}, to read files back with: empty when trainset has no
   * reader for it (a binary or tabular format, or a custom one without a file check).
   */
  public Optional<OutputFormat> reader(PipelineSpec.Output output) {
    if (!readBack) {
      return Optional.empty();
    }
    OutputFormat format = create(output, null);
    return format.fileCheck() == null ? Optional.empty() : Optional.of(format);
  }

  /** The Parquet rows of this format over {@code table}'s columns; for the Parquet kinds only. */
  public ExampleRecords records(ExampleTable table) {
    if (!kind.parquet()) {
      throw new IllegalArgumentException("the format " + name + " is not written as Parquet");
    }
    return ExampleRecords.of(name, table);
  }

  @Override
  public String toString() {
    return name + " (" + kind + ")";
  }
}
