package dev.trainset.formats;

import dev.trainset.model.Example;
import dev.trainset.model.Message;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Checks the chat formats share on an example's conversation. */
final class Turns {
  private Turns() {}

  /** Why the example has no user and assistant turn to write, or null when it has both. */
  static @Nullable String missingAssistantTurn(Example example) {
    List<Message> turns = example.turns();
    if (turns.isEmpty()) {
      return "a " + example.style().key() + " example has no user or assistant turn";
    }
    if (turns.stream().noneMatch(Message::isAssistant)) {
      return "the conversation has no assistant turn";
    }
    return null;
  }

  /**
   * Why the turns are not strict user/assistant pairs starting with the user and ending with the
   * assistant, or null when they are.
   */
  static @Nullable String notAlternating(List<Message> turns) {
    if (turns.isEmpty() || turns.size() % 2 != 0) {
      return "the conversation has " + turns.size() + " turns; it needs user/assistant pairs";
    }
    for (int i = 0; i < turns.size(); i++) {
      String expected = i % 2 == 0 ? Message.USER : Message.ASSISTANT;
      if (!expected.equals(turns.get(i).role())) {
        return "turn " + (i + 1) + " is " + turns.get(i).role() + " where " + expected
            + " was expected";
      }
    }
    return null;
  }
}
