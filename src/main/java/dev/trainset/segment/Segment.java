package dev.trainset.segment;

import dev.trainset.model.Rejections;
import dev.trainset.fields.FieldMapping;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Document;
import dev.trainset.model.Example;
import dev.trainset.model.ExampleCoder;
import dev.trainset.model.FieldPath;
import dev.trainset.model.Reason;
import dev.trainset.model.Rejected;
import dev.trainset.model.RejectedCoder;
import dev.trainset.model.Stage;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Cuts documents into examples. With segmentation off, each document is one example mapped
 * through {@code fields}: instruction style needs instruction and output (input is optional),
 * chat style a user and an assistant turn, text style text; a record without them is refused
 * {@code missing_field}. With {@code segment.enabled}, a {@link TextSegmenter} cuts the {@code
 * source_field} text into many examples by patterns or turn prefixes; each is {@code
 * <document id>#<segment index>} and carries {@code source_id} and {@code segment_index} in its
 * metadata, and each block that cannot be an example is refused on its own with that id.
 *
 * <p>Every example keeps the document's weight, gets the {@code fields.metadata} values and the
 * stages' annotations as metadata, and carries the record fields later stages ask for (stratum,
 * group, partition). {@link #CUTS} tells the report how many blocks each segmented document
 * gave.
 */
public final class Segment extends PTransform<PCollection<Document>, PCollectionTuple> {
  /** The examples cut from the documents. */
  public static final TupleTag<Example> EXAMPLES = new TupleTag<Example>("examples") {};

  /**
   * With segmentation on, one element per document cut into blocks: how many (examples and
   * refused blocks together). Empty with segmentation off.
   */
  public static final TupleTag<Integer> CUTS = new TupleTag<Integer>("cuts") {};

  private final PipelineSpec.Fields fields;
  private final List<String> carried;
  private final PipelineSpec.@Nullable Segment segmentation;

  private Segment(
      PipelineSpec.Fields fields, List<String> carried,
      PipelineSpec.@Nullable Segment segmentation) {
    this.fields = fields;
    this.carried = List.copyOf(carried);
    this.segmentation = segmentation;
  }

  /** Maps documents to examples through {@code fields}. */
  public static Segment of(PipelineSpec.Fields fields) {
    return new Segment(fields, List.of(), null);
  }

  /** Also carries these record fields on each example, for the stages after this one. */
  public Segment carrying(List<String> recordFields) {
    return new Segment(fields, recordFields, segmentation);
  }

  /** With {@code segment.enabled}, cuts each document's source text by {@code segment}. */
  public Segment withSegmentation(PipelineSpec.Segment segment) {
    return new Segment(fields, carried, segment.enabled() ? segment : null);
  }

  @Override
  public PCollectionTuple expand(PCollection<Document> documents) {
    Cutter cutter =
        segmentation == null
            ? new FieldCutter(new FieldMapping(fields))
            : TextSegmenter.of(segmentation, new FieldMapping(fields, segmentation));
    PCollectionTuple cut =
        documents.apply(
            "Cut",
            ParDo.of(new CutFn(cutter, segmentation != null, fields.metadata(), carried))
                .withOutputTags(EXAMPLES, TupleTagList.of(Rejected.TAG).and(CUTS)));
    cut.get(EXAMPLES).setCoder(ExampleCoder.of());
    cut.get(Rejected.TAG).setCoder(RejectedCoder.of());
    cut.get(CUTS).setCoder(VarIntCoder.of());
    return cut;
  }

  /**
   * What one document was cut into: its blocks in order, or, when it has none, why.
   *
   * @param blocks each block an example, or the reason it is not one
   */
  record Cut(List<Block> blocks, @Nullable Reason reason, String detail) {
    static Cut refused(Reason reason, String detail) {
      return new Cut(List.of(), reason, detail);
    }
  }

  /** One block of a document: the example cut from it, else why there is none. */
  record Block(@Nullable Example example, @Nullable Reason reason, String detail) {
    static Block of(Example example) {
      return new Block(example, null, "");
    }

    static Block refused(Reason reason, String detail) {
      return new Block(null, reason, detail);
    }
  }

  /** How one document becomes examples (text fields and id only; CutFn adds the rest). */
  interface Cutter extends Serializable {
    Cut cut(Document document);
  }

  /** One document, one example, through the {@code fields} mapping. */
  private record FieldCutter(FieldMapping mapping) implements Cutter {
    @Override
    public Cut cut(Document document) {
      FieldMapping.Mapped mapped = mapping.map(document);
      return mapped.ok()
          ? new Cut(List.of(Block.of(mapped.example())), null, "")
          : Cut.refused(mapped.reason(), mapped.detail());
    }
  }

  static final class CutFn extends DoFn<Document, Example> {
    private final Cutter cutter;
    private final boolean segmented;
    private final List<String> metadataFields;
    private final List<String> carried;

    CutFn(Cutter cutter, boolean segmented, List<String> metadataFields, List<String> carried) {
      this.cutter = cutter;
      this.segmented = segmented;
      this.metadataFields = metadataFields;
      this.carried = carried;
    }

    @ProcessElement
    public void process(@Element Document document, MultiOutputReceiver out) {
      Cut cut = cutter.cut(document);
      if (cut.blocks().isEmpty()) {
        out.get(Rejected.TAG)
            .output(Rejections.of(document, Stage.SEGMENT, cut.reason(), cut.detail()));
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
      for (int index = 0; index < cut.blocks().size(); index++) {
        Block block = cut.blocks().get(index);
        if (block.example() == null) {
          out.get(Rejected.TAG).output(Rejections.of(segmentId(document, index),
              Stage.SEGMENT, block.reason(), block.detail(), document.fields()));
          continue;
        }
        Map<String, JsonNode> own = metadata;
        if (segmented) {
          own = new LinkedHashMap<>(metadata);
          own.put(Example.SOURCE_ID, TextNode.valueOf(document.id()));
          own.put(Example.SEGMENT_INDEX, IntNode.valueOf(index));
        }
        out.get(EXAMPLES)
            .output(block.example().withWeight(weight).withMetadata(own).withAttributes(attributes));
      }
      if (segmented) {
        out.get(CUTS).output(cut.blocks().size());
      }
    }
  }

  /** The id of block {@code index} of {@code document}: stable as long as the text is. */
  static String segmentId(Document document, int index) {
    return document.id() + "#" + index;
  }
}
