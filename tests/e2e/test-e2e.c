/* test-e2e.c: the warm transfer end to end, as each party hears it
 *
 * A real livekit-server (webhooks to handoff-server), a real handoff-server
 * (its own config, SQLite store, agents alice and bob made with its `agent
 * add` subcommand) and three party processes built on src/core (e2e-party):
 * the caller speaks 440 Hz, agent A 550 Hz, agent B 660 Hz, A's hold music
 * is a 196 + 294 Hz chord. Each party's room plays into an appsink, and the
 * test asks each one what it hears.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "e2e"

#include "config.h"

#include <string.h>

#include "e2e-stack.h"

#define C  E2E_CALLER_HZ
#define A  E2E_A_HZ
#define B  E2E_B_HZ
#define M1 E2E_MUSIC_LOW_HZ
#define M2 E2E_MUSIC_HIGH_HZ

/* How long a change of who hears whom may take to be heard (LiveKit's own
 * re-subscription tick is 3 s; a loaded 2-core machine adds more). */
#define SETTLE 15.0
/* The caller's window when its agent's audio stopped (the app died). */
#define DROPPED_TEXT "The connection to your agent dropped — please stay on the line"
/* Offer timeout configured in the server, for the no-answer case. */
#define OFFER_TIMEOUT 10

static E2eStack *stack;

typedef struct {
  E2eParty *caller;
  E2eParty *a;
  E2eParty *b;
  char     *caller_identity;
} Call;

/* Tells a party to do `cmd` and waits for its acknowledgement. */
static void
party_do (E2eParty   *party,
          const char *cmd,
          guint       timeout)
{
  g_autofree char *verb = g_strndup (cmd, strcspn (cmd, " "));

  e2e_party_send (party, "%s", cmd);
  json_object_unref (e2e_party_wait (party, "done", "cmd", verb, timeout));
}

/* Caller, A and B up; the caller's call answered by A; both talking. */
static void
call_setup (Call *call)
{
  g_autoptr(JsonObject) placed = NULL;

  call->caller = e2e_party_start (stack, "caller", C, NULL, NULL);
  call->a = e2e_party_start (stack, "A", A, "alice", "alice-e2e-password");
  call->b = e2e_party_start (stack, "B", B, "bob", "bob-e2e-password");
  json_object_unref (e2e_party_wait (call->caller, "signed-in", NULL, NULL, 20));
  json_object_unref (e2e_party_wait (call->a, "signed-in", NULL, NULL, 20));
  json_object_unref (e2e_party_wait (call->b, "signed-in", NULL, NULL, 20));
  /* Only A takes calls; B stays away (a transfer may still go to B). */
  party_do (call->a, "presence available", 10);

  e2e_party_send (call->caller, "place Carol");
  placed = e2e_party_wait (call->caller, "placed", NULL, NULL, 30);
  call->caller_identity = g_strdup (json_object_get_string_member (placed, "identity"));
  json_object_unref (e2e_party_wait (call->a, "call-offered", NULL, NULL, 20));
  party_do (call->a, "accept-call", 30);

  {
    E2eExpect talking[] = {
      { call->caller, { A }, { C, B, M1, M2 } },
      { call->a, { C }, { A, B, M1, M2 } },
    };
    e2e_expect_hearing (talking, G_N_ELEMENTS (talking), "talking", SETTLE);
  }
}

/* A sends the transfer to B: the caller hears hold music only. */
static void
call_send_transfer (Call *call)
{
  party_do (call->a, "transfer bob", 20);
  json_object_unref (e2e_party_wait (call->b, "transfer-offered", NULL, NULL, 20));
  {
    E2eExpect hold[] = {
      { call->caller, { M1, M2 }, { A, B, C } },
      { call->a, { 0 }, { C, A, B, M1, M2 } },
    };
    e2e_expect_hearing (hold, G_N_ELEMENTS (hold), "hold", SETTLE);
  }
}

/* B accepts and joins privately: A and B talk, the caller hears music. */
static void
call_consult (Call *call)
{
  party_do (call->b, "accept-transfer", 30);
  json_object_unref (e2e_party_wait (call->a, "transfer", "state", "consulting", 20));
  {
    E2eExpect consult[] = {
      { call->caller, { M1, M2 }, { A, B, C } },
      { call->a, { B }, { C, A, M1, M2 } },
      { call->b, { A }, { C, B, M1, M2 } },
    };
    e2e_expect_hearing (consult, G_N_ELEMENTS (consult), "consult", SETTLE);
  }
}

/* After a transfer that did not happen: the caller and A talk again, and
 * nobody hears B or the hold music. */
static void
call_expect_talking_again (Call       *call,
                           const char *phase)
{
  E2eExpect talking[] = {
    { call->caller, { A }, { C, B, M1, M2 } },
    { call->a, { C }, { A, B, M1, M2 } },
  };
  e2e_expect_hearing (talking, G_N_ELEMENTS (talking), phase, SETTLE);
}

/* The caller and B talk, A is gone or silent. */
static void
call_expect_b_owns_call (Call       *call,
                         const char *phase)
{
  E2eExpect owned[] = {
    { call->caller, { B }, { A, C, M1, M2 } },
    { call->b, { C }, { A, B, M1, M2 } },
  };
  e2e_expect_hearing (owned, G_N_ELEMENTS (owned), phase, SETTLE);
}

/* The party's transfer reaches `state` with `outcome`. */
static void
party_expect_transfer (E2eParty   *party,
                       const char *state,
                       const char *outcome)
{
  g_autoptr(JsonObject) reached = e2e_party_wait (party, "transfer", "state", state, 30);

  g_assert_cmpstr (json_object_get_string_member (reached, "outcome"), ==, outcome);
}

/* The caller never reconnected: one signal connection, no ICE restart. */
static void
call_expect_caller_never_reconnected (Call *call)
{
  g_autoptr(JsonObject) stats = NULL;

  e2e_party_send (call->caller, "stats");
  stats = e2e_party_wait (call->caller, "stats", NULL, NULL, 10);
  g_assert_cmpint (json_object_get_int_member (stats, "reconnects"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (stats, "disconnects"), ==, 0);
  /* And as livekit-server saw it: one RTC session (a resume or a second
   * join would start another), never a reconnect or an ICE restart. */
  g_assert_cmpuint (e2e_stack_count_log (stack, "starting rtc session", call->caller_identity), ==, 1);
  g_assert_cmpuint (e2e_stack_count_log (stack, "\"reconnect\": true", call->caller_identity), ==, 0);
  g_assert_cmpuint (e2e_stack_count_log (stack, "ice restart", call->caller_identity), ==, 0);
  g_assert_cmpuint (e2e_stack_count_log (stack, "icerestart\": true", call->caller_identity), ==, 0);
  g_assert_cmpuint (e2e_stack_count_log (stack, "restarting ice", call->caller_identity), ==, 0);
}

static void
call_teardown (Call *call)
{
  g_clear_pointer (&call->caller, e2e_party_free);
  g_clear_pointer (&call->a, e2e_party_free);
  g_clear_pointer (&call->b, e2e_party_free);
  g_clear_pointer (&call->caller_identity, g_free);
}

typedef enum {
  PHASE_HOLD,      /* A sent the transfer; B has the offer */
  PHASE_CONSULT,   /* B accepted; A and B consult privately */
} Phase;

/* Brings a call up to `phase`, checking what everyone hears on the way.
 * FALSE (the test skipped) when there is no livekit-server. */
static gboolean
call_start (Call  *call,
            Phase  phase)
{
  if (stack == NULL)
    {
      g_test_skip ("livekit-server is not installed");
      return FALSE;
    }
  call_setup (call);
  call_send_transfer (call);
  if (phase >= PHASE_CONSULT)
    call_consult (call);
  return TRUE;
}

/* One agent's app dies during the consult: the survivor sees it leave the
 * room, and handoff-server (acting on LiveKit's participant_left) moves the
 * transfer to `state` with `outcome`. */
static void
call_kill_during_consult (Call       *call,
                          E2eParty   *victim,
                          const char *victim_identity,
                          E2eParty   *survivor,
                          const char *state,
                          const char *outcome)
{
  e2e_party_kill (victim);
  json_object_unref (e2e_party_wait (survivor, "left", "identity", victim_identity, 60));
  party_expect_transfer (survivor, state, outcome);
}

static void
test_warm_transfer (void)
{
  Call call = { 0 };

  if (!call_start (&call, PHASE_CONSULT))
    return;

  /* B has read the briefing; A connects: everyone hears everyone. */
  party_do (call.b, "ready", 20);
  json_object_unref (e2e_party_wait (call.a, "transfer", "state", "consulting", 20));
  party_do (call.a, "connect", 20);
  {
    E2eExpect three_way[] = {
      { call.caller, { A, B }, { C, M1, M2 } },
      { call.a, { C, B }, { A, M1, M2 } },
      { call.b, { C, A }, { B, M1, M2 } },
    };
    e2e_expect_hearing (three_way, G_N_ELEMENTS (three_way), "three-way", SETTLE);
  }

  /* A leaves: the caller and B talk. */
  party_do (call.a, "complete", 20);
  json_object_unref (e2e_party_wait (call.b, "transfer", "state", "completed", 20));
  /* A is gone from the room, not just silent. */
  json_object_unref (e2e_party_wait (call.caller, "left", "identity", "agent-alice", 20));
  call_expect_b_owns_call (&call, "complete");

  call_expect_caller_never_reconnected (&call);
  call_teardown (&call);
}

static void
test_decline (void)
{
  Call call = { 0 };

  if (!call_start (&call, PHASE_HOLD))
    return;
  party_do (call.b, "decline-transfer", 20);
  party_expect_transfer (call.a, "ended", "declined");
  call_expect_talking_again (&call, "declined");
  call_teardown (&call);
}

static void
test_offer_timeout (void)
{
  Call call = { 0 };

  if (!call_start (&call, PHASE_HOLD))
    return;
  /* B does nothing: the server withdraws the offer after its timeout. */
  party_expect_transfer (call.a, "ended", "no_answer");
  party_expect_transfer (call.b, "ended", "no_answer");
  call_expect_talking_again (&call, "no answer");
  call_teardown (&call);
}

static void
test_cancel_during_consult (void)
{
  Call call = { 0 };

  if (!call_start (&call, PHASE_CONSULT))
    return;
  party_do (call.a, "cancel", 20);
  party_expect_transfer (call.a, "ended", "cancelled");
  party_expect_transfer (call.b, "ended", "cancelled");
  /* B is out of the call (the server removes it from the room). */
  json_object_unref (e2e_party_wait (call.a, "left", "identity", "agent-bob", 20));
  call_expect_talking_again (&call, "cancelled");
  call_teardown (&call);
}

static void
test_caller_hangs_up_during_consult (void)
{
  Call call = { 0 };

  /* Skipped for a while (the caller's party seemed to exit on hangup during
   * hold, 1 CI run in ~5 at 07:31); not seen again in ~170 runs since. Should
   * it come back, e2e-stack now says how the party's output ended (exit
   * status, signal, or a read error). */
  if (!call_start (&call, PHASE_CONSULT))
    return;
  party_do (call.caller, "hangup", 20);
  party_expect_transfer (call.a, "ended", "caller_abandoned");
  /* B is told, and its call ends. */
  party_expect_transfer (call.b, "ended", "caller_abandoned");
  json_object_unref (e2e_party_wait (call.b, "call", "state", "ended", 20));
  json_object_unref (e2e_party_wait (call.a, "call", "state", "ended", 20));
  call_teardown (&call);
}

/* B's app dies while A and B consult: the server ends the transfer
 * (failed:target_left) and A is with the caller again. */
static void
test_b_killed_during_consult (void)
{
  Call call = { 0 };

  if (!call_start (&call, PHASE_CONSULT))
    return;
  call_kill_during_consult (&call, call.b, "agent-bob", call.a, "ended", "failed:target_left");
  call_expect_talking_again (&call, "B killed");
  call_teardown (&call);
}

/* A's app dies while A and B consult. What we chose: B is already in the
 * room, so the transfer completes to B; B's app opens up and the caller
 * hears B instead of being left on hold. Until LiveKit reports A gone
 * (~20 s) the caller, whose hold music went with A's app, is told A's
 * connection dropped and hears the music its own app plays. */
static void
test_a_killed_during_consult (void)
{
  Call call = { 0 };

  if (!call_start (&call, PHASE_CONSULT))
    return;
  e2e_party_kill (call.a);
  json_object_unref (e2e_party_wait (call.caller, "status", "text", DROPPED_TEXT, 15));
  {
    E2eExpect dropped[] = { { call.caller, { M1, M2 }, { A, B, C } } };
    e2e_expect_hearing (dropped, G_N_ELEMENTS (dropped), "A killed: local hold music", SETTLE);
  }
  json_object_unref (e2e_party_wait (call.b, "left", "identity", "agent-alice", 60));
  party_expect_transfer (call.b, "completed", "completed");
  call_expect_b_owns_call (&call, "A killed");
  call_teardown (&call);
}

/* A's app is killed in the middle of a call and started again (before
 * LiveKit gives up on it): it offers to rejoin the call that is still going
 * on, rejoins, and the caller and A hear each other again. The caller's own
 * connection is never re-established. */
static void
test_agent_restarts_during_call (void)
{
  Call call = { 0 };

  if (stack == NULL)
    return g_test_skip ("livekit-server is not installed");
  g_autoptr(JsonObject) stats = NULL;
  gint64 answered_us, talked_s;

  call_setup (&call);
  answered_us = g_get_monotonic_time ();
  /* A talks a while first, so the rejoined timer cannot pass by chance. */
  g_usleep (4 * G_USEC_PER_SEC);
  e2e_party_kill (call.a);
  g_clear_pointer (&call.a, e2e_party_free);
  call.a = e2e_party_start (stack, "A", A, "alice", "alice-e2e-password");
  json_object_unref (e2e_party_wait (call.a, "signed-in", NULL, NULL, 20));
  json_object_unref (e2e_party_wait (call.a, "call-rejoinable", NULL, NULL, 20));
  party_do (call.a, "rejoin", 30);
  /* The call timer goes on from the call's age, not from 0:00 (the call
   * was answered before call_setup's hearing check, so it is at least as
   * old as what we measured since). */
  talked_s = (g_get_monotonic_time () - answered_us) / G_USEC_PER_SEC;
  e2e_party_send (call.a, "stats");
  stats = e2e_party_wait (call.a, "stats", NULL, NULL, 10);
  g_assert_cmpint (json_object_get_int_member (stats, "duration"), >=, talked_s);
  call_expect_talking_again (&call, "rejoined");
  call_expect_caller_never_reconnected (&call);
  call_teardown (&call);
}

/* A's app is away longer than LiveKit waits for a vanished participant
 * (~20 s): handoff-server keeps the call for A ([timeouts]
 * agent_rejoin_grace) instead of requeueing it, the caller is told to stay
 * on the line, A comes back and rejoins, and they hear each other again.
 * The caller learns that A's connection dropped from A's audio stopping,
 * seconds after the kill rather than at LiveKit's departure, and hears hold
 * music its own app plays (A's app, whose music it would be, is gone) until
 * A is back. */
static void
test_agent_back_after_departure (void)
{
  Call call = { 0 };
  gint64 killed_us;
  double told_s;

  if (stack == NULL)
    return g_test_skip ("livekit-server is not installed");
  call_setup (&call);
  e2e_party_kill (call.a);
  killed_us = g_get_monotonic_time ();
  g_clear_pointer (&call.a, e2e_party_free);
  json_object_unref (e2e_party_wait (call.caller, "status", "text", DROPPED_TEXT, 15));
  told_s = (g_get_monotonic_time () - killed_us) / 1e6;
  g_test_message ("The caller was told A's connection dropped %.1f s after the kill", told_s);
  /* Well before LiveKit's departure (~20 s), and A is still in the room. */
  g_assert_cmpfloat (told_s, <, 10.0);
  g_assert_null (e2e_party_try_wait (call.caller, "left", "identity", "agent-alice", 0));
  {
    E2eExpect dropped[] = { { call.caller, { M1, M2 }, { A, B, C } } };
    e2e_expect_hearing (dropped, G_N_ELEMENTS (dropped), "A dropped: local hold music", SETTLE);
  }
  /* LiveKit tells the caller and handoff-server (webhook) at once; give
   * the webhook a moment to be acted on. */
  json_object_unref (e2e_party_wait (call.caller, "left", "identity", "agent-alice", 60));
  g_test_message ("A's departure reported %.1f s after the kill",
                  (g_get_monotonic_time () - killed_us) / 1e6);
  /* Nobody talks to the caller meanwhile; the window says why (it learns
   * from the server that the call is kept for its agent). */
  json_object_unref (e2e_party_wait (call.caller, "status", "text",
                                     "Your agent lost the connection and is coming back — "
                                     "please stay on the line", 15));
  {
    E2eExpect away[] = { { call.caller, { M1, M2 }, { A, B, C } } };
    e2e_expect_hearing (away, G_N_ELEMENTS (away), "A away: local hold music", SETTLE);
  }
  call.a = e2e_party_start (stack, "A", A, "alice", "alice-e2e-password");
  json_object_unref (e2e_party_wait (call.a, "signed-in", NULL, NULL, 20));
  json_object_unref (e2e_party_wait (call.a, "call-rejoinable", NULL, NULL, 20));
  party_do (call.a, "rejoin", 30);
  g_test_message ("A rejoined %.1f s after the kill", (g_get_monotonic_time () - killed_us) / 1e6);
  /* The music stops: the caller hears A and nothing else. */
  call_expect_talking_again (&call, "back after departure");
  call_expect_caller_never_reconnected (&call);
  call_teardown (&call);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/e2e/warm-transfer", test_warm_transfer);
  g_test_add_func ("/e2e/decline", test_decline);
  g_test_add_func ("/e2e/offer-timeout", test_offer_timeout);
  g_test_add_func ("/e2e/cancel-during-consult", test_cancel_during_consult);
  g_test_add_func ("/e2e/caller-hangs-up-during-consult", test_caller_hangs_up_during_consult);
  g_test_add_func ("/e2e/b-killed-during-consult", test_b_killed_during_consult);
  g_test_add_func ("/e2e/a-killed-during-consult", test_a_killed_during_consult);
  g_test_add_func ("/e2e/agent-restarts-during-call", test_agent_restarts_during_call);
  g_test_add_func ("/e2e/agent-back-after-departure", test_agent_back_after_departure);

  stack = e2e_stack_start (OFFER_TIMEOUT);
  ret = g_test_run ();
  g_clear_pointer (&stack, e2e_stack_free);
  return ret;
}
