package dev.trainset;

import java.util.List;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The command line's own options, as Beam pipeline options so that a Flex Template can pass
 * them: each parameter of {@code templates/metadata.json} is one of these properties
 * (TemplateMetadataTest holds the two together).
 */
public interface TrainsetOptions extends PipelineOptions {
  @Description("The pipeline file (YAML), on any Beam filesystem.")
  String getPipeline();

  void setPipeline(String value);

  @Description("Input globs, comma-separated; replaces input.paths.")
  List<String> getInput();

  void setInput(List<String> value);

  @Description("Output directory; replaces output.dir.")
  String getOutputDir();

  void setOutputDir(String value);

  @Description("Output formats, comma-separated; replaces output.formats.")
  List<String> getFormats();

  void setFormats(List<String> value);

  /**
   * One {@code dotted.key=value}: declared so that the Flex Template's {@code set} parameter is a
   * pipeline option, as the launcher requires. One --set per template run; the command line accepts
   * it repeated, because it takes every {@code --set=} argument itself before Beam parses the rest
   * (Beam refuses a String option given twice). So the command line never reads this property; only
   * a bare {@code --set} without {@code =} reaches Beam, which sets it to "true".
   */
  @Description("One dotted.key=value setting of the pipeline file; the command line takes --set="
      + " repeated and reads it before Beam does.")
  String getSet();

  void setSet(String value);
}
