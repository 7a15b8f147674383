package dev.trainset.write;

import dev.trainset.formats.OutputFormat;
import dev.trainset.model.Example;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes {@code <dir>/csv/combined.csv}: every split in one file, told apart by the {@code split}
 * column, for a spreadsheet or a quick {@code read_csv}. Its rows are the per-split files' rows;
 * what csv cannot represent is already in {@code _validation} by {@link WriteFormats}.
 *
 * <p>Batch only: one file for all of unbounded input would never close.
 */
final class WriteCombinedCsv extends PTransform<PCollection<Example>, PCollection<String>> {
  static final String FILE = "combined.csv";

  private final OutputFormat csv;
  private final String directory;
  private final Compression compression;

  private WriteCombinedCsv(OutputFormat csv, String directory, Compression compression) {
    this.csv = csv;
    this.directory = directory;
    this.compression = compression;
  }

  static WriteCombinedCsv to(OutputFormat csv, String directory, Compression compression) {
    return new WriteCombinedCsv(csv, directory, compression);
  }

  /** The full path of the file written. */
  @Override
  public PCollection<String> expand(PCollection<Example> examples) {
    if (examples.isBounded() == PCollection.IsBounded.UNBOUNDED) {
      throw new IllegalArgumentException("combined.csv is written for bounded input only");
    }
    return examples
        .apply("Rows", ParDo.of(new RowFn(csv)))
        .setCoder(StringUtf8Coder.of())
        .apply("Write", FileIO.<String>write()
            .via(new WriteFormats.FormatSink(csv))
            .to(directory + "/" + csv.name())
            .withNumShards(1)
            .withCompression(compression)
            .withNaming((window, pane, shards, shard, how) -> FILE + how.getSuggestedSuffix()))
        .getPerDestinationOutputFilenames()
        .apply("File", Values.create());
  }

  /** The example's csv row, when csv can represent it. */
  static final class RowFn extends DoFn<Example, String> {
    private final OutputFormat csv;

    RowFn(OutputFormat csv) {
      this.csv = csv;
    }

    @ProcessElement
    public void process(@Element Example example, OutputReceiver<String> out) {
      if (csv.unrepresentable(example) == null) {
        out.output(csv.encode(example));
      }
    }
  }
}
