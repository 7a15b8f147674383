package dev.trainset.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerHandoffTest {
  private static TrainerHandoff.File file(String path, long records, Map<String, Long> keys) {
    return new TrainerHandoff.File(path, records, keys);
  }

  private final TrainerHandoff handoff = new TrainerHandoff("demo", "/data/out")
      // The test file: no record has an input (include_empty_input: false) nor a history.
      .with("alpaca", List.of(
          file("alpaca/test-00000-of-00001.json", 2,
              Map.of("instruction", 2L, "output", 2L, "system", 1L)),
          file("alpaca/train-00000-of-00002.json", 3,
              Map.of("instruction", 3L, "input", 1L, "output", 3L, "history", 1L)),
          file("alpaca/train-00001-of-00002.json", 2, Map.of("instruction", 2L, "output", 2L))))
      .with("openai", List.of(file("openai/train-00000-of-00001.jsonl", 12,
          Map.of("messages", 12L))))
      .with("sharegpt", List.of(
          file("sharegpt/train-00000-of-00001.json.gz", 4, Map.of("conversations", 4L)),
          file("sharegpt/test-00000-of-00001.json", 3,
              Map.of("conversations", 3L, "system", 1L))))
      .with("jsonl", List.of(file("jsonl/train-00000-of-00001.jsonl", 1, Map.of("id", 1L))));

  @Test
  void handsOffOnlyTheFormatsTrainersReadAndNoCompressedFile() {
    assertEquals(List.of("alpaca", "openai", "sharegpt"), List.copyOf(handoff.formats()));
  }

  @Test
  void llamaFactoryGetsOneEntryPerFileMappingOnlyTheColumnsItsRecordsHave() {
    assertEquals("{\n"
        + "  \"demo_alpaca_test\" : {\n"
        + "    \"file_name\" : \"/data/out/alpaca/test-00000-of-00001.json\",\n"
        + "    \"formatting\" : \"alpaca\",\n"
        + "    \"columns\" : {\n"
        + "      \"prompt\" : \"instruction\",\n"
        + "      \"response\" : \"output\",\n"
        + "      \"system\" : \"system\"\n"
        + "    }\n"
        + "  },\n"
        + "  \"demo_alpaca_train_0\" : {\n"
        + "    \"file_name\" : \"/data/out/alpaca/train-00000-of-00002.json\",\n"
        + "    \"formatting\" : \"alpaca\",\n"
        + "    \"columns\" : {\n"
        + "      \"prompt\" : \"instruction\",\n"
        + "      \"query\" : \"input\",\n"
        + "      \"response\" : \"output\",\n"
        + "      \"history\" : \"history\"\n"
        + "    }\n"
        + "  },\n"
        + "  \"demo_alpaca_train_1\" : {\n"
        + "    \"file_name\" : \"/data/out/alpaca/train-00001-of-00002.json\",\n"
        + "    \"formatting\" : \"alpaca\",\n"
        + "    \"columns\" : {\n"
        + "      \"prompt\" : \"instruction\",\n"
        + "      \"response\" : \"output\"\n"
        + "    }\n"
        + "  },\n"
        + "  \"demo_openai_train\" : {\n"
        + "    \"file_name\" : \"/data/out/openai/train-00000-of-00001.jsonl\",\n"
        + "    \"formatting\" : \"sharegpt\",\n"
        + "    \"columns\" : {\n"
        + "      \"messages\" : \"messages\"\n"
        + "    },\n"
        + "    \"tags\" : {\n"
        + "      \"role_tag\" : \"role\",\n"
        + "      \"content_tag\" : \"content\",\n"
        + "      \"user_tag\" : \"user\",\n"
        + "      \"assistant_tag\" : \"assistant\",\n"
        + "      \"system_tag\" : \"system\"\n"
        + "    }\n"
        + "  },\n"
        + "  \"demo_sharegpt_test\" : {\n"
        + "    \"file_name\" : \"/data/out/sharegpt/test-00000-of-00001.json\",\n"
        + "    \"formatting\" : \"sharegpt\",\n"
        + "    \"columns\" : {\n"
        + "      \"messages\" : \"conversations\",\n"
        + "      \"system\" : \"system\"\n"
        + "    }\n"
        + "  }\n"
        + "}\n", handoff.llamaFactory());
  }

  @Test
  void axolotlGetsLocalPathsTheEvaluationFilesWithValSetSizeZeroAndWhatItLeavesOut() {
    assertEquals("# Axolotl datasets for demo (alpaca), written by trainset: paste into your"
        + " Axolotl config.\n"
        + "# test_datasets is the test split; Axolotl takes it only with val_set_size: 0.\n"
        + "# type: alpaca reads instruction, input and output only: the system prompts and the"
        + " earlier\n"
        + "# turns (history) these files hold are not trained on. For them, hand off chatml or\n"
        + "# sharegpt (type: chat_template).\n"
        + "datasets:\n"
        + "- path: /data/out/alpaca\n"
        + "  ds_type: json\n"
        + "  data_files:\n"
        + "  - /data/out/alpaca/train-00000-of-00002.json\n"
        + "  - /data/out/alpaca/train-00001-of-00002.json\n"
        + "  split: train\n"
        + "  type: alpaca\n"
        + "test_datasets:\n"
        + "- path: /data/out/alpaca/test-00000-of-00001.json\n"
        + "  ds_type: json\n"
        + "  split: train\n"
        + "  type: alpaca\n"
        + "val_set_size: 0\n", handoff.axolotl("alpaca", "train", "test"));
  }

  @Test
  void axolotlChatFormatsGetAChatTemplateABaseModelCanUse() {
    assertEquals("# Axolotl datasets for demo (openai), written by trainset: paste into your"
        + " Axolotl config.\n"
        + "# chat_template: the tokenizer's own template, or chatml when it has none (base"
        + " models);\n"
        + "# name another (llama3, qwen_25, ...) to match your model.\n"
        + "chat_template: tokenizer_default_fallback_chatml\n"
        + "datasets:\n"
        + "- path: /data/out/openai/train-00000-of-00001.jsonl\n"
        + "  ds_type: json\n"
        + "  split: train\n"
        + "  type: chat_template\n"
        + "  field_messages: messages\n"
        + "  message_property_mappings:\n"
        + "    role: role\n"
        + "    content: content\n", handoff.axolotl("openai", "train", "validation"));
  }

  @Test
  void axolotlSharegptSaysWhenSomeRecordsLackTheSystemPrompt() {
    assertEquals("# Axolotl datasets for demo (sharegpt), written by trainset: paste into your"
        + " Axolotl config.\n"
        + "# chat_template: the tokenizer's own template, or chatml when it has none (base"
        + " models);\n"
        + "# name another (llama3, qwen_25, ...) to match your model.\n"
        + "# test_datasets is the test split; Axolotl takes it only with val_set_size: 0.\n"
        + "# Some records have a system prompt and some none: Axolotl reads the missing one as"
        + " null\n"
        + "# and its chat template fails on it. Hand off chatml or openai (the system prompt is\n"
        + "# their first message) instead.\n"
        + "chat_template: tokenizer_default_fallback_chatml\n"
        + "test_datasets:\n"
        + "- path: /data/out/sharegpt/test-00000-of-00001.json\n"
        + "  ds_type: json\n"
        + "  split: train\n"
        + "  type: chat_template\n"
        + "  field_messages: conversations\n"
        + "  message_property_mappings:\n"
        + "    role: from\n"
        + "    content: value\n"
        + "  roles:\n"
        + "    user:\n"
        + "    - human\n"
        + "    assistant:\n"
        + "    - gpt\n"
        + "val_set_size: 0\n", handoff.axolotl("sharegpt", "train", "test"));
  }
}
