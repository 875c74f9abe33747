/* handoff-test-chat-server.h: a local OpenAI-compatible chat completions stand-in
 *
 * Speaks the documented wire format on 127.0.0.1 (port 0): POST
 * /v1/chat/completions answers either one JSON object or server-sent events
 * ("data: {chunk}\n\n" ... "data: [DONE]\n\n") written in small pieces that cut
 * lines anywhere, at a pace the test chooses. Each request takes the next
 * scripted step (the last step repeats) and is recorded for inspection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _HandoffTestChatServer HandoffTestChatServer;

typedef struct {
  char       *authorization;   /* NULL when absent */
  char       *accept;
  JsonNode   *body;            /* NULL when the body was not JSON */
  gint64      received_us;     /* g_get_monotonic_time () */
} HandoffTestChatRequest;

HandoffTestChatServer *handoff_test_chat_server_new         (void);
void                   handoff_test_chat_server_free        (HandoffTestChatServer *self);
/* e.g. "http://127.0.0.1:PORT/v1" */
const char            *handoff_test_chat_server_get_base_url (HandoffTestChatServer *self);

/* Answers @text. Streaming: the first delta after @first_ms, then one delta of
 * @delta_chars characters every @interval_ms; every event is written in two
 * pieces cut mid-line. */
void handoff_test_chat_server_push_reply  (HandoffTestChatServer *self,
                                           const char            *text,
                                           guint                  delta_chars,
                                           guint                  first_ms,
                                           guint                  interval_ms);
/* Answers @text as one JSON completion even when a stream was asked for (as
 * some servers do). */
void handoff_test_chat_server_push_reply_json (HandoffTestChatServer *self,
                                               const char            *text);
/* Answers @status with @json_body; @retry_after (nullable) as the Retry-After header. */
void handoff_test_chat_server_push_error  (HandoffTestChatServer *self,
                                           guint                  status,
                                           const char            *json_body,
                                           const char            *retry_after);
/* Never answers (until the client goes away). */
void handoff_test_chat_server_push_hang   (HandoffTestChatServer *self);
/* Sends @raw as a text/event-stream body, @piece bytes per write, then closes. */
void handoff_test_chat_server_push_raw_sse (HandoffTestChatServer *self,
                                            const char            *raw,
                                            guint                  piece);

guint                   handoff_test_chat_server_get_n_requests (HandoffTestChatServer *self);
HandoffTestChatRequest *handoff_test_chat_server_get_request    (HandoffTestChatServer *self,
                                                                 guint                  index);
/* Requests whose answer is still being written or held. */
guint                   handoff_test_chat_server_get_n_open     (HandoffTestChatServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandoffTestChatServer, handoff_test_chat_server_free)

G_END_DECLS
