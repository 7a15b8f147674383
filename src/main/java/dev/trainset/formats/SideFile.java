package dev.trainset.formats;

/**
 * A file a run writes for a format besides its split files, describing them or handing them on.
 * Each is written once the split files are (most need their counts), except {@link
 * #COMBINED_CSV}, which holds rows and is written with them.
 */
public enum SideFile {
  /** csv's {@code combined.csv}: every split's rows in one file, told apart by {@code split}. */
  COMBINED_CSV,
  /** csv's {@code data_dictionary.md}: what each column holds. */
  DATA_DICTIONARY,
  /**
   * huggingface's {@code README.md} card, {@code dataset_info.json} and {@code
   * dataset_dict.json}, with each split's examples and bytes from the written files.
   */
  DATASET_CARD,
  /** openai's {@code metadata.json}: examples and tokens per split, estimated billed tokens. */
  OPENAI_METADATA,
  /**
   * The trainer hand-off: an entry in {@code _report/llama_factory/dataset_info.json} and {@code
   * _report/axolotl/<format>.yaml}, for the formats LLaMA-Factory and Axolotl read.
   */
  TRAINER_HANDOFF
}
