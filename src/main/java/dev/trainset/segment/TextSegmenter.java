package dev.trainset.segment;

import static dev.trainset.model.Reason.INSTRUCTION_TOO_SHORT;
import static dev.trainset.model.Reason.NO_ASSISTANT_TURN;
import static dev.trainset.model.Reason.NO_SEGMENTS;
import static dev.trainset.model.Reason.NO_USER_TURN;
import static dev.trainset.model.Reason.OUTPUT_TOO_SHORT;
import static dev.trainset.model.Reason.SEGMENT_INCOMPLETE;

import dev.trainset.fields.FieldMapping;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Document;
import dev.trainset.model.Example;
import dev.trainset.model.Message;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Cuts a document's {@code segment.source_field} text into examples, for {@link Segment}.
 *
 * <p>Patterns first: every match of the {@code instruction_patterns} (in the order listed; where
 * two overlap, the one starting first, then the one listed first) opens a block that runs to the
 * next instruction. The block's output is the first {@code output_patterns} match after the
 * instruction; its input the first {@code context_patterns} match between the two, else, with
 * {@code context_extraction}, the text between them. Group 1 of each pattern is the captured
 * text, trimmed; a block takes one output, and what follows it up to the next instruction is
 * in no example. An instruction with no output before the next one, and an output before the
 * first instruction, are refused {@code segment_incomplete}; captured text under {@code
 * min_instruction_chars} or {@code min_output_chars} is refused {@code instruction_too_short} or
 * {@code output_too_short}. Each refusal's detail starts with the block's character offset.
 *
 * <p>A document no instruction pattern matches is read as a transcript: a line starting with
 * one of the {@code turn_prefixes} (after leading white space) opens a turn of that role, the
 * lines after it continue the turn, consecutive turns of one role merge, and a {@code system}
 * turn is only recognized before the first user or assistant turn; lines before the first turn
 * are not part of the conversation. A transcript is one chat example, refused {@code
 * no_assistant_turn} or {@code no_user_turn} when it lacks either, and held to the minimums on
 * its user and assistant text. A document that is neither is refused {@code no_segments}.
 */
final class TextSegmenter implements Segment.Cutter {
  private static final String SYSTEM = "system";
  private static final int QUOTED_CHARS = 40;

  /** A match of one pattern: where it is, and its group 1, trimmed. */
  private record Match(int start, int end, String text) {}

  /** A turn prefix and the role it opens; longer prefixes are tried first. */
  private record Prefix(String text, String role) implements Serializable {}

  private final FieldMapping source;
  private final List<Pattern> instructions;
  private final List<Pattern> contexts;
  private final List<Pattern> outputs;
  private final List<Prefix> prefixes;
  private final int minInstructionChars;
  private final int minOutputChars;
  private final boolean contextExtraction;

  private TextSegmenter(PipelineSpec.Segment segment, FieldMapping source) {
    this.source = source;
    this.instructions = segment.instructionPatterns().stream().map(PipelineSpec.Segment::pattern).toList();
    this.contexts = segment.contextPatterns().stream().map(PipelineSpec.Segment::pattern).toList();
    this.outputs = segment.outputPatterns().stream().map(PipelineSpec.Segment::pattern).toList();
    List<Prefix> all = new ArrayList<>();
    for (Map.Entry<String, List<String>> role : segment.turnPrefixes().entrySet()) {
      role.getValue().forEach(prefix -> all.add(new Prefix(prefix, role.getKey())));
    }
    all.sort(Comparator.comparingInt((Prefix prefix) -> prefix.text().length()).reversed());
    this.prefixes = List.copyOf(all);
    this.minInstructionChars = segment.minInstructionChars();
    this.minOutputChars = segment.minOutputChars();
    this.contextExtraction = segment.contextExtraction();
  }

  /**
   * Cuts by {@code segment}, reading the text through {@code source} (a mapping that sees the
   * document as its source text, so a missing field is refused as everywhere else).
   */
  static TextSegmenter of(PipelineSpec.Segment segment, FieldMapping source) {
    return new TextSegmenter(segment, source);
  }

  @Override
  public Segment.Cut cut(Document document) {
    FieldMapping.Mapped mapped = source.map(document);
    if (!mapped.ok()) {
      return Segment.Cut.refused(mapped.reason(), mapped.detail());
    }
    String text = mapped.example().text();
    List<Match> asked = matches(instructions, text);
    if (!asked.isEmpty()) {
      return new Segment.Cut(blocks(document, text, asked), null, "");
    }
    Segment.Block transcript = transcript(document, text);
    return transcript != null
        ? new Segment.Cut(List.of(transcript), null, "")
        : Segment.Cut.refused(NO_SEGMENTS, "no instruction pattern matched and no line starts"
            + " with a turn prefix");
  }

  private List<Segment.Block> blocks(Document document, String text, List<Match> asked) {
    List<Match> answers = matches(outputs, text);
    List<Match> contextMatches = matches(contexts, text);
    List<Segment.Block> blocks = new ArrayList<>();
    for (Match answer : answers) {
      if (answer.start() < asked.get(0).start()) {
        blocks.add(Segment.Block.refused(SEGMENT_INCOMPLETE, "offset " + answer.start()
            + ": output '" + quoted(answer.text()) + "' has no instruction before it"));
      }
    }
    for (int i = 0; i < asked.size(); i++) {
      Match instruction = asked.get(i);
      int limit = i + 1 < asked.size() ? asked.get(i + 1).start() : text.length();
      Match output = first(answers, instruction.end(), limit);
      String where = "offset " + instruction.start() + ": ";
      if (output == null) {
        blocks.add(Segment.Block.refused(SEGMENT_INCOMPLETE, where + "instruction '"
            + quoted(instruction.text()) + "' has no output before offset " + limit));
        continue;
      }
      Match context = first(contextMatches, instruction.end(), output.start());
      String input =
          context != null && context.end() <= output.start()
              ? context.text()
              : contextExtraction ? text.substring(instruction.end(), output.start()).strip() : "";
      String id = Segment.segmentId(document, blocks.size());
      blocks.add(checked(where, instruction.text(), output.text(),
          Example.instruction(id, null, instruction.text(), input, output.text())));
    }
    return blocks;
  }

  /** The example, unless its instruction or output text is under the minimum. */
  private Segment.Block checked(String where, String asked, String answered, Example example) {
    int askedChars = asked.codePointCount(0, asked.length());
    if (askedChars < minInstructionChars) {
      return Segment.Block.refused(INSTRUCTION_TOO_SHORT, where + "instruction '" + quoted(asked)
          + "' has " + askedChars + " chars < min_instruction_chars " + minInstructionChars);
    }
    int answeredChars = answered.codePointCount(0, answered.length());
    if (answeredChars < minOutputChars) {
      return Segment.Block.refused(OUTPUT_TOO_SHORT, where + "output '" + quoted(answered)
          + "' has " + answeredChars + " chars < min_output_chars " + minOutputChars);
    }
    return Segment.Block.of(example);
  }

  /** Every match of the patterns, by position; of overlapping ones, the first found is kept. */
  private static List<Match> matches(List<Pattern> patterns, String text) {
    List<Match> all = new ArrayList<>();
    for (Pattern pattern : patterns) {
      Matcher matcher = pattern.matcher(text);
      while (matcher.find()) {
        String captured = matcher.group(1);
        all.add(new Match(matcher.start(), matcher.end(), captured == null ? "" : captured.strip()));
      }
    }
    // A stable sort: at one position, the pattern listed first wins.
    all.sort(Comparator.comparingInt(Match::start));
    List<Match> kept = new ArrayList<>();
    int lastStart = -1;
    int lastEnd = -1;
    for (Match match : all) {
      if (match.start() > lastStart && match.start() >= lastEnd) {
        kept.add(match);
        lastStart = match.start();
        lastEnd = match.end();
      }
    }
    return kept;
  }

  /** The first match starting in [from, to), or null. */
  private static @Nullable Match first(List<Match> matches, int from, int to) {
    for (Match match : matches) {
      if (match.start() >= from && match.start() < to) {
        return match;
      }
    }
    return null;
  }

  /** The document as one conversation, or null when no line opens a turn. */
  private Segment.@Nullable Block transcript(Document document, String text) {
    List<String> roles = new ArrayList<>();
    List<StringBuilder> contents = new ArrayList<>();
    int offset = -1;
    int lineStart = 0;
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip();
      Prefix prefix = prefixOf(trimmed, roles.isEmpty());
      if (prefix != null) {
        String said = trimmed.substring(prefix.text().length()).strip();
        int last = roles.size() - 1;
        if (last >= 0 && roles.get(last).equals(prefix.role())) {
          contents.get(last).append('\n').append(said);
        } else {
          roles.add(prefix.role());
          contents.add(new StringBuilder(said));
        }
        offset = offset < 0 ? lineStart : offset;
      } else if (!roles.isEmpty()) {
        contents.get(roles.size() - 1).append('\n').append(trimmed);
      }
      lineStart += line.length() + 1;
    }
    if (roles.isEmpty()) {
      return null;
    }
    String system = null;
    List<Message> turns = new ArrayList<>();
    for (int i = 0; i < roles.size(); i++) {
      String content = contents.get(i).toString().strip();
      if (roles.get(i).equals(SYSTEM)) {
        system = content;
      } else {
        turns.add(new Message(roles.get(i), content));
      }
    }
    long users = turns.stream().filter(turn -> turn.role().equals(Message.USER)).count();
    long assistants = turns.size() - users;
    String where = "offset " + offset + ": ";
    if (assistants == 0) {
      return Segment.Block.refused(NO_ASSISTANT_TURN, where + "the transcript never reaches an"
          + " assistant turn");
    }
    if (users == 0) {
      return Segment.Block.refused(NO_USER_TURN, where + "the transcript has no user turn");
    }
    String asked = turns.stream().filter(turn -> !turn.isAssistant()).map(Message::content)
        .collect(Collectors.joining("\n"));
    Example example = Example.chat(Segment.segmentId(document, 0), system, turns);
    return checked(where, asked, example.outputText(), example);
  }

  /** The longest prefix {@code line} starts with; a system prefix only before the first turn. */
  private @Nullable Prefix prefixOf(String line, boolean beforeFirstTurn) {
    for (Prefix prefix : prefixes) {
      if (line.startsWith(prefix.text()) && (beforeFirstTurn || !prefix.role().equals(SYSTEM))) {
        return prefix;
      }
    }
    return null;
  }

  /** At most the first 40 characters of {@code text}, for a refusal's detail. */
  private static String quoted(String text) {
    return text.length() <= QUOTED_CHARS ? text : text.substring(0, QUOTED_CHARS) + "...";
  }
}
