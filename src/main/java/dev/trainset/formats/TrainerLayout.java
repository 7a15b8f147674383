package dev.trainset.formats;

/**
 * How LLaMA-Factory and Axolotl are told to read a format's records, for the formats given a
 * {@link SideFile#TRAINER_HANDOFF}.
 */
public enum TrainerLayout {
  /** {@code instruction, input, output, system, history}: alpaca. */
  ALPACA,
  /** {@code conversations} of {@code {from: human|gpt, value}}, and {@code system}: sharegpt. */
  SHAREGPT,
  /** {@code messages} of {@code {role, content}}: chatml, openai. */
  MESSAGES
}
