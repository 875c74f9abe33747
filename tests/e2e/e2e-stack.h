/* e2e-stack.h: a real livekit-server, a real handoff-server and party
 * processes (e2e-party) for the end-to-end tests and the transfer benchmark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "handoff-test-livekit.h"

G_BEGIN_DECLS

typedef struct {
  HandoffTestLivekit *livekit;
  GSubprocess        *server;
  char               *server_url;
  char               *dir;
  char               *config;
} E2eStack;

typedef struct {
  char             *name;
  GSubprocess      *proc;
  GOutputStream    *in;
  GDataInputStream *out;
  GQueue            events;    /* JsonObject *, oldest first */
  GCancellable     *cancellable;
  gboolean          reading;   /* a read of `out` is pending */
  gboolean          eof;
  gboolean          killed;
} E2eParty;

/* The tones each party speaks. */
#define E2E_CALLER_HZ 440
#define E2E_A_HZ      550
#define E2E_B_HZ      660
/* The two notes of the built-in hold music (src/core/handoff-lk-media.c). */
#define E2E_MUSIC_LOW_HZ  196
#define E2E_MUSIC_HIGH_HZ 294

/* How long handoff-server keeps an active call for an agent whose app left. */
#define E2E_AGENT_REJOIN_GRACE 30

/* NULL when livekit-server is not installed (the tests then skip). */
E2eStack   *e2e_stack_start      (guint          transfer_offer_seconds);
void        e2e_stack_free       (E2eStack      *stack);
/* livekit-server's log: how many lines hold @needle (and @also,
 * if set); lower case needles, matched without case. */
guint       e2e_stack_count_log  (E2eStack      *stack,
                                  const char    *needle,
                                  const char    *also);

/* user NULL: a caller. */
E2eParty   *e2e_party_start      (E2eStack      *stack,
                                  const char    *name,
                                  guint          tone_hz,
                                  const char    *user,
                                  const char    *password);
void        e2e_party_send       (E2eParty      *party,
                                  const char    *format,
                                  ...) G_GNUC_PRINTF (2, 3);
/* Waits for an event {"ev": ev, key: value}; key NULL matches any. Fails
 * the test after @seconds, or at once on an "error" event. Returns the
 * event (owned). */
JsonObject *e2e_party_wait       (E2eParty      *party,
                                  const char    *ev,
                                  const char    *key,
                                  const char    *value,
                                  double         seconds);
/* Like e2e_party_wait, but returns NULL when it does not come. */
JsonObject *e2e_party_try_wait   (E2eParty      *party,
                                  const char    *ev,
                                  const char    *key,
                                  const char    *value,
                                  double         seconds);
void        e2e_party_kill       (E2eParty      *party);
void        e2e_party_free       (E2eParty      *party);

/* What a party hears: set of tones expected and not expected. Measures
 * @ms of audio at once in every listed party, until every party hears what
 * it should, or fails after @seconds. Lists end with 0. */
typedef struct {
  E2eParty *party;
  guint     hears[4];
  guint     not_hears[5];
} E2eExpect;

void        e2e_expect_hearing   (E2eExpect     *expect,
                                  guint          n,
                                  const char    *phase,
                                  double         seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (E2eStack, e2e_stack_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (E2eParty, e2e_party_free)

G_END_DECLS
