package dev.trainset.model;

import static dev.trainset.testing.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class FieldPathTest {
  private static final ObjectNode RECORD = object("""
      {"text": "hello",
       "state.reward": 1,
       "state": {"reward": 2, "score": 0.5, "note": null, "tags": ["a", "b"]},
       "turns": [{"content": "first"}, {"content": "second"}],
       "count": 12345678901,
       "ok": false,
       "nothing": null}
      """);

  @Test
  void aLiteralDottedKeyWinsOverNesting() {
    assertEquals(IntNode.valueOf(1), FieldPath.resolve(RECORD, "state.reward"));
    // Without the literal key the same path reaches the nested value.
    assertEquals(IntNode.valueOf(2),
        FieldPath.resolve(object("{\"state\": {\"reward\": 2}}"), "state.reward"));
  }

  @Test
  void walksNestedObjects() {
    assertEquals(DoubleNode.valueOf(0.5), FieldPath.resolve(RECORD, "state.score"));
    assertEquals(RECORD.get("state"), FieldPath.resolve(RECORD, "state"));
    assertEquals(TextNode.valueOf("hello"), FieldPath.resolve(RECORD, "text"));
  }

  @Test
  void indexesArrays() {
    assertEquals(TextNode.valueOf("second"), FieldPath.resolve(RECORD, "turns.1.content"));
    assertEquals(TextNode.valueOf("a"), FieldPath.resolve(RECORD, "state.tags.0"));
    assertEquals(object("{\"content\": \"first\"}"), FieldPath.resolve(RECORD, "turns.0"));
  }

  @Test
  void findsNothingWhereThePathLeads() {
    assertNull(FieldPath.resolve(RECORD, "missing"));
    assertNull(FieldPath.resolve(RECORD, "state.missing"));
    assertNull(FieldPath.resolve(RECORD, "turns.2.content"));
    assertNull(FieldPath.resolve(RECORD, "turns.first"));
    assertNull(FieldPath.resolve(RECORD, "text.length"));
    assertNull(FieldPath.resolve(RECORD, "state."));
    assertNull(FieldPath.resolve(RECORD, ""));
  }

  @Test
  void readsJsonNullAsAbsent() {
    assertNull(FieldPath.resolve(RECORD, "nothing"));
    assertNull(FieldPath.resolve(RECORD, "state.note"));
    assertNull(FieldPath.resolve(RECORD, "nothing.below"));
  }

  @Test
  void textOfScalars() {
    assertEquals("hello", FieldPath.text(RECORD, "text"));
    assertEquals("1", FieldPath.text(RECORD, "state.reward"));
    assertEquals("0.5", FieldPath.text(RECORD, "state.score"));
    assertEquals("12345678901", FieldPath.text(RECORD, "count"));
    assertEquals("false", FieldPath.text(RECORD, "ok"));
    assertEquals("b", FieldPath.text(RECORD, "state.tags.1"));
  }

  @Test
  void noTextForObjectsListsNullOrAbsence() {
    assertNull(FieldPath.text(RECORD, "state"));
    assertNull(FieldPath.text(RECORD, "turns"));
    assertNull(FieldPath.text(RECORD, "nothing"));
    assertNull(FieldPath.text(RECORD, "missing"));
  }
}
