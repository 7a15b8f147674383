package dev.trainset.config;

import static dev.trainset.config.Checks.atLeast;
import static dev.trainset.config.Checks.nonEmpty;
import static dev.trainset.config.Checks.oneOf;

import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * What the {@code segment} section allows: patterns Segment can compile, in pairs that cut
 * something, and turn prefixes for both sides of a transcript.
 */
final class SegmentRules {
  private SegmentRules() {}

  static void check(PipelineSpec.Segment segment) {
    nonEmpty("segment.source_field", segment.sourceField());
    patterns("segment.instruction_patterns", segment.instructionPatterns());
    patterns("segment.context_patterns", segment.contextPatterns());
    patterns("segment.output_patterns", segment.outputPatterns());
    if (!segment.instructionPatterns().isEmpty() && segment.outputPatterns().isEmpty()) {
      throw new ConfigException("segment.output_patterns",
          "value [] is not allowed with instruction_patterns; allowed: one or more regular"
              + " expressions whose group 1 is an instruction's output");
    }
    if (segment.instructionPatterns().isEmpty()
        && !(segment.outputPatterns().isEmpty() && segment.contextPatterns().isEmpty())) {
      throw new ConfigException("segment.instruction_patterns",
          "value [] is not allowed with output or context patterns; allowed: one or more regular"
              + " expressions whose group 1 is an instruction");
    }
    turnPrefixes(segment.turnPrefixes());
    if (segment.enabled() && segment.instructionPatterns().isEmpty()
        && segment.turnPrefixes().isEmpty()) {
      throw new ConfigException("segment.enabled", "value 'true' cuts nothing; allowed: true with"
          + " segment.instruction_patterns or segment.turn_prefixes, or false");
    }
    atLeast("segment.min_instruction_chars", segment.minInstructionChars(), 0);
    atLeast("segment.min_output_chars", segment.minOutputChars(), 0);
  }

  /** Each a regular expression Segment can compile, with a group 1 to capture. */
  private static void patterns(String key, List<String> patterns) {
    for (int i = 0; i < patterns.size(); i++) {
      String pattern = patterns.get(i);
      String where = key + "[" + i + "]";
      if (pattern == null || pattern.isEmpty()) {
        throw ConfigException.notAllowed(where, "", "a regular expression with a capture group");
      }
      int groups;
      try {
        groups = PipelineSpec.Segment.pattern(pattern).matcher("").groupCount();
      } catch (PatternSyntaxException e) {
        throw ConfigException.notAllowed(where, pattern, "a Java regular expression ("
            + e.getDescription() + " at index " + e.getIndex() + ")");
      }
      if (groups < 1) {
        throw ConfigException.notAllowed(where, pattern,
            "a regular expression with a capture group: group 1 is the text it captures");
      }
    }
  }

  private static void turnPrefixes(Map<String, List<String>> prefixes) {
    for (Map.Entry<String, List<String>> role : prefixes.entrySet()) {
      String key = "segment.turn_prefixes." + role.getKey();
      oneOf("segment.turn_prefixes", role.getKey(), List.of("system", "user", "assistant"));
      if (role.getValue() == null || role.getValue().isEmpty()) {
        throw ConfigException.notAllowed(key, role.getValue(), "a list of line prefixes");
      }
      for (String prefix : role.getValue()) {
        if (prefix == null || prefix.isBlank()) {
          throw ConfigException.notAllowed(key, role.getValue(), "prefixes that are not blank");
        }
      }
    }
    if (!prefixes.isEmpty() && !(prefixes.containsKey("user") && prefixes.containsKey("assistant"))) {
      throw ConfigException.notAllowed("segment.turn_prefixes", prefixes,
          "{} (no transcripts), or prefixes for both user and assistant (and optionally system)");
    }
  }
}
