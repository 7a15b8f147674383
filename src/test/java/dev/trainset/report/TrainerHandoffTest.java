package dev.trainset.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerHandoffTest {
  private final TrainerHandoff handoff = new TrainerHandoff("demo", "/data/out")
      .with("alpaca", List.of("alpaca/test-00000-of-00001.json", "alpaca/train-00000-of-00002.json",
          "alpaca/train-00001-of-00002.json"))
      .with("openai", List.of("openai/train-00000-of-00001.jsonl"))
      .with("sharegpt", List.of("sharegpt/train-00000-of-00001.json.gz"))
      .with("jsonl", List.of("jsonl/train-00000-of-00001.jsonl"));

  @Test
  void handsOffOnlyTheFormatsTrainersReadAndNoCompressedFile() {
    assertEquals(List.of("alpaca", "openai"), List.copyOf(handoff.formats()));
  }

  @Test
  void llamaFactoryGetsOneEntryPerFile() {
    assertEquals("{\n"
        + "  \"demo_alpaca_test\" : {\n"
        + "    \"file_name\" : \"/data/out/alpaca/test-00000-of-00001.json\",\n"
        + "    \"formatting\" : \"alpaca\",\n"
        + "    \"columns\" : {\n"
        + "      \"prompt\" : \"instruction\",\n"
        + "      \"query\" : \"input\",\n"
        + "      \"response\" : \"output\",\n"
        + "      \"system\" : \"system\",\n"
        + "      \"history\" : \"history\"\n"
        + "    }\n"
        + "  },\n"
        + "  \"demo_alpaca_train_0\" : {\n"
        + "    \"file_name\" : \"/data/out/alpaca/train-00000-of-00002.json\",\n"
        + "    \"formatting\" : \"alpaca\",\n"
        + "    \"columns\" : {\n"
        + "      \"prompt\" : \"instruction\",\n"
        + "      \"query\" : \"input\",\n"
        + "      \"response\" : \"output\",\n"
        + "      \"system\" : \"system\",\n"
        + "      \"history\" : \"history\"\n"
        + "    }\n"
        + "  },\n"
        + "  \"demo_alpaca_train_1\" : {\n"
        + "    \"file_name\" : \"/data/out/alpaca/train-00001-of-00002.json\",\n"
        + "    \"formatting\" : \"alpaca\",\n"
        + "    \"columns\" : {\n"
        + "      \"prompt\" : \"instruction\",\n"
        + "      \"query\" : \"input\",\n"
        + "      \"response\" : \"output\",\n"
        + "      \"system\" : \"system\",\n"
        + "      \"history\" : \"history\"\n"
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
        + "  }\n"
        + "}\n", handoff.llamaFactory());
  }

  @Test
  void axolotlGetsTheTrainFilesAndTheEvaluationFiles() {
    assertEquals("# Axolotl datasets for demo (alpaca), written by trainset: paste into your"
        + " Axolotl config.\n"
        + "datasets:\n"
        + "- path: json\n"
        + "  ds_type: json\n"
        + "  data_files:\n"
        + "  - /data/out/alpaca/train-00000-of-00002.json\n"
        + "  - /data/out/alpaca/train-00001-of-00002.json\n"
        + "  split: train\n"
        + "  type: alpaca\n"
        + "test_datasets:\n"
        + "- path: json\n"
        + "  ds_type: json\n"
        + "  data_files:\n"
        + "  - /data/out/alpaca/test-00000-of-00001.json\n"
        + "  split: train\n"
        + "  type: alpaca\n", handoff.axolotl("alpaca", "train", "test"));
    assertEquals("# Axolotl datasets for demo (openai), written by trainset: paste into your"
        + " Axolotl config.\n"
        + "datasets:\n"
        + "- path: json\n"
        + "  ds_type: json\n"
        + "  data_files:\n"
        + "  - /data/out/openai/train-00000-of-00001.jsonl\n"
        + "  split: train\n"
        + "  type: chat_template\n"
        + "  field_messages: messages\n"
        + "  message_property_mappings:\n"
        + "    role: role\n"
        + "    content: content\n", handoff.axolotl("openai", "train", "validation"));
  }
}
