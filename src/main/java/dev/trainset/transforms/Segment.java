package dev.trainset.transforms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Document;
import dev.trainset.model.Example;
import dev.trainset.model.ExampleCoder;
import dev.trainset.model.FieldPath;
import dev.trainset.model.Rejected;
import dev.trainset.model.RejectedCoder;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Cuts documents into examples. With segmentation off, as now, each document is one example
 * mapped through {@code fields}: instruction style needs instruction and output (input is
 * optional), chat style a user and an assistant turn, text style text; a record without them is
 * refused {@code missing_field}. The example keeps the document's weight, gets the {@code
 * fields.metadata} values and the stages' annotations as metadata, and carries the record
 * fields later stages ask for (stratum, group, partition).
 *
 * <p>Pattern and turn-prefix segmentation will be a second {@link Cutter} chosen in {@link
 * #expand}; everything after the cut is shared.
 */
public final class Segment extends PTransform<PCollection<Document>, PCollectionTuple> {
  public static final String STAGE = "segment";

  /** The examples cut from the documents. */
  public static final TupleTag<Example> EXAMPLES = new TupleTag<Example>("examples") {};

  private final PipelineSpec.Fields fields;
  private final List<String> carried;

  private Segment(PipelineSpec.Fields fields, List<String> carried) {
    this.fields = fields;
    this.carried = List.copyOf(carried);
  }

  /** Maps documents to examples through {@code fields}. */
  public static Segment of(PipelineSpec.Fields fields) {
    return new Segment(fields, List.of());
  }

  /** Also carries these record fields on each example, for the stages after this one. */
  public Segment carrying(List<String> recordFields) {
    return new Segment(fields, recordFields);
  }

  @Override
  public PCollectionTuple expand(PCollection<Document> documents) {
    Cutter cutter = new FieldCutter(new FieldMapping(fields));
    PCollectionTuple cut =
        documents.apply(
            "Cut",
            ParDo.of(new CutFn(cutter, fields.metadata(), carried))
                .withOutputTags(EXAMPLES, TupleTagList.of(Rejected.TAG)));
    cut.get(EXAMPLES).setCoder(ExampleCoder.of());
    cut.get(Rejected.TAG).setCoder(RejectedCoder.of());
    return cut;
  }

  /** The examples cut from one document, or why there are none. */
  record Cut(List<Example> examples, String reason, String detail) {}

  /** How one document becomes examples (text fields only; CutFn adds the rest). */
  interface Cutter extends Serializable {
    Cut cut(Document document);
  }

  /** One document, one example, through the {@code fields} mapping. */
  private record FieldCutter(FieldMapping mapping) implements Cutter {
    @Override
    public Cut cut(Document document) {
      FieldMapping.Mapped mapped = mapping.map(document);
      return mapped.ok()
          ? new Cut(List.of(mapped.example()), "", "")
          : new Cut(List.of(), mapped.reason(), mapped.detail());
    }
  }

  static final class CutFn extends DoFn<Document, Example> {
    private final Cutter cutter;
    private final List<String> metadataFields;
    private final List<String> carried;

    CutFn(Cutter cutter, List<String> metadataFields, List<String> carried) {
      this.cutter = cutter;
      this.metadataFields = metadataFields;
      this.carried = carried;
    }

    @ProcessElement
    public void process(@Element Document document, MultiOutputReceiver out) {
      Cut cut = cutter.cut(document);
      if (cut.examples().isEmpty()) {
        out.get(Rejected.TAG).output(Rejections.of(document, STAGE, cut.reason(), cut.detail()));
        return;
      }
      Map<String, JsonNode> metadata = new LinkedHashMap<>();
      for (String field : metadataFields) {
        JsonNode value = FieldPath.resolve(document.fields(), field);
        if (value != null) {
          metadata.put(field, value);
        }
      }
      metadata.putAll(document.annotations());
      Map<String, JsonNode> attributes = new LinkedHashMap<>();
      for (String field : carried) {
        JsonNode value = FieldPath.resolve(document.fields(), field);
        if (value != null && !metadata.containsKey(field)) {
          attributes.put(field, value);
        }
      }
      double weight = Double.isNaN(document.weight()) ? 1.0 : document.weight();
      for (Example example : cut.examples()) {
        out.get(EXAMPLES)
            .output(example.withWeight(weight).withMetadata(metadata).withAttributes(attributes));
      }
    }
  }
}
