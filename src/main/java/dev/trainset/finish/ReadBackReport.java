package dev.trainset.finish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.formats.FormatDescriptor;
import dev.trainset.formats.Formats;
import dev.trainset.formats.SideFile;
import dev.trainset.report.OpenaiMetadata;
import dev.trainset.report.OutputValidation;
import dev.trainset.report.RunStats;
import dev.trainset.report.TrainerHandoff;
import java.io.IOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Reads every staged file back with its format's rules and writes what the validator found
 * ({@code _report/validation.json}), and the side files made from what was read back: openai's
 * {@code metadata.json} and the trainer hand-off ({@code _report/llama_factory/dataset_info.json},
 * {@code _report/axolotl/<format>.yaml}).
 */
final class ReadBackReport {
  private ReadBackReport() {}

  /**
   * Reads back the files of every format of {@code spec} staged in {@code folder}, compares the
   * records with the tally's ({@code stats}), and writes the reports; {@code splitChecks} goes
   * into validation.json beside the formats. Returns the number of problems found.
   */
  static int write(PipelineSpec spec, OutputFolder folder, RunStats stats, JsonNode splitChecks)
      throws IOException {
    Map<String, OutputValidation.FormatResult> checked = new LinkedHashMap<>();
    TrainerHandoff handoff = new TrainerHandoff(spec.name(), folder.directory());
    int problems = 0;
    for (String name : spec.output().formats()) {
      FormatDescriptor format = Formats.descriptor(name);
      List<MatchResult.Metadata> written = folder.staged(name).stream()
          .sorted(Comparator.comparing(file -> file.resourceId().toString()))
          .toList();
      OutputValidation.FormatResult result = format.reader(spec.output())
          .map(reader -> OutputValidation.check(reader, written, folder.staging()))
          .orElseGet(() -> OutputValidation.notChecked(name));
      OutputValidation.expect(name, result, stats.formatRecords(name));
      checked.put(name, result);
      problems += result.problems().size();
      if (format.has(SideFile.TRAINER_HANDOFF)) {
        handoff.with(name, written.stream()
            .map(file -> file.resourceId().toString().substring(folder.staging().length() + 1))
            .toList());
      }
    }
    folder.writeStaged("_report/validation.json", OutputValidation.toJson(checked, splitChecks));
    List<String> splits = List.copyOf(spec.split().ratios().keySet());
    String trainSplit = splits.contains("train") ? "train" : splits.get(0);
    String evalSplit = splits.contains("validation") ? "validation" : "test";
    for (String name : spec.output().formats()) {
      if (Formats.descriptor(name).has(SideFile.OPENAI_METADATA)) {
        folder.writeStaged(name + "/metadata.json", OpenaiMetadata.toJson(
            spec.output().openai(), checked.get(name), trainSplit, stats.formatInvalid(name)));
      }
    }
    if (!handoff.isEmpty()) {
      folder.writeStaged("_report/llama_factory/dataset_info.json", handoff.llamaFactory());
      for (String format : handoff.formats()) {
        folder.writeStaged("_report/axolotl/" + format + ".yaml",
            handoff.axolotl(format, trainSplit, evalSplit));
      }
    }
    return problems;
  }
}
