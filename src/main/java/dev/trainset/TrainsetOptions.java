package dev.trainset;

import java.util.List;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The command line's own options, as Beam pipeline options so that a Flex Template can pass
 * them. {@code --set=dotted.key=value} is read before Beam parses the rest, because Beam would
 * split its values at commas.
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
}
