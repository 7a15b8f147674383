package dev.trainset.finish;

import dev.trainset.config.PipelineSpec;
import dev.trainset.formats.CsvFormat;
import dev.trainset.formats.ExampleTable;
import dev.trainset.formats.FormatDescriptor;
import dev.trainset.formats.Formats;
import dev.trainset.formats.HuggingFaceCard;
import dev.trainset.formats.SideFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * The side files of the tabular formats that describe the data rather than hold it: csv's {@code
 * data_dictionary.md}, and the huggingface dataset card, whose counts come from the written files.
 * Written into the staging folder once the data files are.
 */
final class DescriptionFiles {
  private DescriptionFiles() {}

  /** Writes the description files of every format of {@code spec} that has one. */
  static void write(PipelineSpec spec, OutputFolder folder) throws IOException {
    ExampleTable table = ExampleTable.of(spec);
    for (String name : spec.output().formats()) {
      FormatDescriptor format = Formats.descriptor(name);
      if (format.has(SideFile.DATA_DICTIONARY)) {
        folder.writeStaged(name + "/data_dictionary.md",
            CsvFormat.of(spec.output(), table).dataDictionary(spec.name()));
      }
      if (format.has(SideFile.DATASET_CARD)) {
        Map<String, String> card = HuggingFaceCard.files(spec.name(), format.records(table),
            splitFiles(spec, folder.staged(format.dataFolder())));
        for (Map.Entry<String, String> file : card.entrySet()) {
          folder.writeStaged(name + "/" + file.getKey(), file.getValue());
        }
      }
    }
  }

  /** Each split's rows (from the Parquet footers) and bytes among the staged data files. */
  static List<HuggingFaceCard.SplitFiles> splitFiles(PipelineSpec spec,
      List<MatchResult.Metadata> files) throws IOException {
    List<HuggingFaceCard.SplitFiles> splits = new ArrayList<>();
    for (String split : spec.split().ratios().keySet()) {
      long examples = 0;
      long bytes = 0;
      for (MatchResult.Metadata file : files) {
        String name = file.resourceId().getFilename();
        if (name.matches(Pattern.quote(split) + "-\\d{5}-of-\\d{5}\\.parquet")) {
          examples += HuggingFaceCard.rowCount(file.resourceId());
          bytes += file.sizeBytes();
        }
      }
      // A split with no file would make the card's data_files pattern match nothing.
      if (bytes > 0) {
        splits.add(new HuggingFaceCard.SplitFiles(split, examples, bytes));
      }
    }
    return splits;
  }
}
