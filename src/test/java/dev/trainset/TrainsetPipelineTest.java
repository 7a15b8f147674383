package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainset.config.PipelineSpec;
import dev.trainset.finish.OutputFolder;
import dev.trainset.testing.Fixtures;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the graph holds for a pipeline file, built without running it. */
class TrainsetPipelineTest {
  @TempDir Path out;

  /** The steps directly under Tally that the near-duplicate clusters need. */
  private static final Set<String> CLUSTER_STEPS =
      Set.of("Tally/LargestClusters", "Tally/CountClusters");

  /** Which of {@link #CLUSTER_STEPS} the graph for {@code dedup} holds. */
  private Set<String> clusterSteps(String dedup) {
    PipelineSpec spec =
        Fixtures.spec("quality: {dedup: " + dedup + "}\noutput: {dir: " + out + "}");
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    TrainsetPipeline.build(pipeline, spec, OutputFolder.of(spec.output().dir(), "graph"),
        "DirectRunner", 0);
    Set<String> steps = new TreeSet<>();
    pipeline.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
        if (CLUSTER_STEPS.contains(node.getFullName())) {
          steps.add(node.getFullName());
        }
        return CompositeBehavior.ENTER_TRANSFORM;
      }
    });
    return steps;
  }

  @Test
  void onlyNearDedupTalliesNearDuplicateClusters() {
    assertEquals(CLUSTER_STEPS, clusterSteps("near"));
    assertEquals(Set.of(), clusterSteps("exact"));
    assertEquals(Set.of(), clusterSteps("none"));
  }
}
