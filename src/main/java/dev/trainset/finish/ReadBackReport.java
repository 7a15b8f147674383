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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sums what reading every written file back found (on the workers, {@link ReadBackFn}) into
 * {@code _report/validation.json}, and writes the side files made from it: openai's
 * {@code metadata.json} and the trainer hand-off ({@code _report/llama_factory/dataset_info.json},
 * {@code _report/axolotl/<format>.yaml}).
 */
final class ReadBackReport {
  private ReadBackReport() {}

  /**
   * Sums the read-back of the files of every format of {@code spec} ({@code facts}, sorted by
   * path), compares the records with the tally's ({@code stats}), and writes the reports into
   * {@code folder}; {@code splitChecks} goes into validation.json beside the formats. Returns the
   * number of problems found and validation.json.
   */
  static Checked write(PipelineSpec spec, OutputFolder folder, RunStats stats, JsonNode splitChecks,
      List<FileFacts> facts) throws IOException {
    Map<String, OutputValidation.FormatResult> checked = new LinkedHashMap<>();
    TrainerHandoff handoff = new TrainerHandoff(spec.name(), folder.directory());
    int problems = 0;
    for (String name : spec.output().formats()) {
      FormatDescriptor format = Formats.descriptor(name);
      List<FileFacts> written = facts.stream()
          .filter(file -> file.path().startsWith(name + "/"))
          .toList();
      OutputValidation.FormatResult result = format.reader(spec.output()).isPresent()
          ? OutputValidation.combine(written.stream().map(FileFacts::readBack)
              .filter(Objects::nonNull).toList())
          : OutputValidation.notChecked(name);
      OutputValidation.expect(name, result, stats.formatRecords(name));
      checked.put(name, result);
      problems += (int) result.problemCount();
      if (format.has(SideFile.TRAINER_HANDOFF)) {
        handoff.with(name, written.stream().map(file -> file.readBack() == null
            ? new TrainerHandoff.File(file.path(), 0, Map.of())
            : new TrainerHandoff.File(file.path(), file.readBack().records(),
                file.readBack().keys())).toList());
      }
    }
    String validationJson = OutputValidation.toJson(checked, splitChecks);
    folder.writeStaged(FinishRun.VALIDATION, validationJson);
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
    return new Checked(problems, validationJson);
  }

  /** What the read-back found: the number of problems, and validation.json. */
  record Checked(int problems, String validationJson) {}
}
