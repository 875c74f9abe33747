/* handoff-chat-request.h: one chat completion (private to HandoffChatClient)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "handoff-chat-client.h"

G_BEGIN_DECLS

typedef struct {
  SoupSession *session;
  const char  *base_url;
  const char  *model;
  const char  *api_key;   /* nullable */
  guint        timeout_ms;
  guint        max_retries;
  guint        max_retry_delay_ms;
} HandoffChatRequestConfig;

/* Runs the request with @body on @task and completes it with the answer's
 * text (g_task_propagate_pointer) or a HANDOFF_AI_ERROR / G_IO_ERROR_CANCELLED. */
void handoff_chat_request_run (GTask                          *task,
                               const HandoffChatRequestConfig *config,
                               GBytes                         *body,
                               HandoffChatFlags                flags,
                               HandoffChatDeltaFunc            delta_func,
                               gpointer                        delta_data,
                               GCancellable                   *cancellable);

G_END_DECLS
