/* test-stt-transcript.c: HandoffTranscript ordering, replacement, labels, export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>

#include "handoff-transcript.h"

/* Mirrors the model through items-changed alone, as a list view would;
 * any wrong announcement makes the mirror differ from the model. */
typedef struct
{
  HandoffTranscript *transcript;
  GPtrArray         *mirror;
  guint              changes;
} Mirror;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Mirror     *m)
{
  g_assert_cmpuint (position + removed, <=, m->mirror->len);
  g_ptr_array_remove_range (m->mirror, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (m->mirror, position + i, g_list_model_get_item (model, position + i));
  m->changes++;
}

static void
assert_mirror (Mirror *m)
{
  GListModel *model = G_LIST_MODEL (m->transcript);

  g_assert_cmpuint (m->mirror->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < m->mirror->len; i++)
    {
      g_autoptr(HandoffSegment) item = g_list_model_get_item (model, i);

      g_assert_true (item == m->mirror->pdata[i]);
    }
}

static Mirror *
mirror_new (void)
{
  Mirror *m = g_new0 (Mirror, 1);

  m->transcript = handoff_transcript_new ();
  m->mirror = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (m->transcript, "items-changed", G_CALLBACK (on_items_changed), m);
  return m;
}

static void
mirror_free (Mirror *m)
{
  g_object_unref (m->transcript);
  g_ptr_array_unref (m->mirror);
  g_free (m);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Mirror, mirror_free)

static void
add (Mirror     *m,
     const char *identity,
     const char *id,
     const char *text,
     gint64      start,
     gint64      end,
     gboolean    final)
{
  g_autoptr(HandoffSegment) segment = handoff_segment_new (identity, "TR_1", id, text, start, end, final);

  handoff_transcript_add_segment (m->transcript, segment);
  assert_mirror (m);
}

static const char *
text_at (Mirror *m,
         guint   i)
{
  g_autoptr(HandoffSegment) item = g_list_model_get_item (G_LIST_MODEL (m->transcript), i);

  return handoff_segment_get_text (item);
}

static void
test_partial_replaced_by_final (void)
{
  g_autoptr(Mirror) m = mirror_new ();

  add (m, "caller", "s1", "I would", 1000, 1500, FALSE);
  add (m, "caller", "s1", "I would like to", 1000, 2000, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (m->transcript)), ==, 1);
  add (m, "caller", "s1", "I would like to cancel my order.", 1000, 2500, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (m->transcript)), ==, 1);
  g_assert_cmpstr (text_at (m, 0), ==, "I would like to cancel my order.");

  /* A partial delayed in the network does not undo the final. */
  add (m, "caller", "s1", "I would like", 1000, 1800, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (m->transcript)), ==, 1);
  g_assert_cmpstr (text_at (m, 0), ==, "I would like to cancel my order.");
  g_assert_true (handoff_segment_get_final (handoff_transcript_lookup (m->transcript, "s1")));
}

static void
test_ordered_by_start (void)
{
  g_autoptr(Mirror) m = mirror_new ();

  /* Arrive out of order (the agent's text travelled faster). */
  add (m, "agent", "a1", "How can I help?", 2000, 3000, TRUE);
  add (m, "caller", "c1", "Hello.", 500, 1500, TRUE);
  add (m, "caller", "c2", "My card was charged twice.", 3500, 5000, FALSE);
  add (m, "agent", "a2", "Let me check.", 5500, 6000, TRUE);
  g_assert_cmpstr (text_at (m, 0), ==, "Hello.");
  g_assert_cmpstr (text_at (m, 1), ==, "How can I help?");
  g_assert_cmpstr (text_at (m, 2), ==, "My card was charged twice.");
  g_assert_cmpstr (text_at (m, 3), ==, "Let me check.");

  /* The final's start differs from its partial's: the line moves. */
  add (m, "caller", "c2", "My card was charged twice, see.", 6500, 7000, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (m->transcript)), ==, 4);
  g_assert_cmpstr (text_at (m, 2), ==, "Let me check.");
  g_assert_cmpstr (text_at (m, 3), ==, "My card was charged twice, see.");

  /* Same start: arrival order. */
  add (m, "agent", "a3", "first", 8000, 8100, TRUE);
  add (m, "caller", "c3", "second", 8000, 8100, TRUE);
  g_assert_cmpstr (text_at (m, 4), ==, "first");
  g_assert_cmpstr (text_at (m, 5), ==, "second");
}

static void
test_empty_final_removes (void)
{
  g_autoptr(Mirror) m = mirror_new ();

  add (m, "caller", "x", "uh", 0, 100, FALSE);
  add (m, "caller", "y", "hello", 200, 400, TRUE);
  add (m, "caller", "x", "", 0, 100, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (m->transcript)), ==, 1);
  g_assert_cmpstr (text_at (m, 0), ==, "hello");
  g_assert_null (handoff_transcript_lookup (m->transcript, "x"));
  /* An empty final for an unknown id adds nothing. */
  add (m, "caller", "z", "", 500, 600, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (m->transcript)), ==, 1);
}

static void
test_labels_and_export (void)
{
  g_autoptr(Mirror) m = mirror_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *partial_text = NULL;
  g_autofree char *json = NULL;
  JsonArray *segments;
  JsonObject *first;

  handoff_transcript_set_speaker_name (m->transcript, "agent-a", "Alice (agent)");
  add (m, "agent-a", "a1", "Thanks for calling.", 1700000000000, 1700000001000, TRUE);
  add (m, "caller-7", "c1", "I want a refund.", 1700000065000, 1700000067000, TRUE);
  add (m, "caller-7", "c2", "for order", 1700000068000, 1700000069000, FALSE);

  text = handoff_transcript_to_text (m->transcript, FALSE);
  g_assert_cmpstr (text, ==, "[00:00] Alice (agent): Thanks for calling.\n"
                             "[01:05] caller-7: I want a refund.\n");

  /* A name learnt later relabels earlier lines. */
  handoff_transcript_set_speaker_name (m->transcript, "caller-7", "Bob");
  assert_mirror (m);
  partial_text = handoff_transcript_to_text (m->transcript, TRUE);
  g_assert_cmpstr (partial_text, ==, "[00:00] Alice (agent): Thanks for calling.\n"
                                     "[01:05] Bob: I want a refund.\n"
                                     "[01:08] Bob: for order …\n");

  json = handoff_transcript_to_json_string (m->transcript);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  segments = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "segments");
  g_assert_cmpuint (json_array_get_length (segments), ==, 3);
  first = json_array_get_object_element (segments, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "id"), ==, "a1");
  g_assert_cmpstr (json_object_get_string_member (first, "identity"), ==, "agent-a");
  g_assert_cmpstr (json_object_get_string_member (first, "speaker"), ==, "Alice (agent)");
  g_assert_cmpstr (json_object_get_string_member (first, "track_id"), ==, "TR_1");
  g_assert_cmpstr (json_object_get_string_member (first, "text"), ==, "Thanks for calling.");
  g_assert_cmpint (json_object_get_int_member (first, "start_ms"), ==, 1700000000000);
  g_assert_cmpint (json_object_get_int_member (first, "end_ms"), ==, 1700000001000);
  g_assert_true (json_object_get_boolean_member (first, "final"));
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (segments, 2), "final"));

  handoff_transcript_clear (m->transcript);
  assert_mirror (m);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (m->transcript)), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stt/transcript/partial-replaced-by-final", test_partial_replaced_by_final);
  g_test_add_func ("/stt/transcript/ordered-by-start", test_ordered_by_start);
  g_test_add_func ("/stt/transcript/empty-final-removes", test_empty_final_removes);
  g_test_add_func ("/stt/transcript/labels-and-export", test_labels_and_export);

  return g_test_run ();
}
