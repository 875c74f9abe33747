/* test-server-unit.c: tokens, webhook signatures, request validation, config,
 * passwords — the parts of handoff-server that need no network
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include <glib/gstdio.h>
#include <jwt.h>
#include <unistd.h>
#include <string.h>

#include "handoff-password.h"
#include "handoff-request.h"
#include "handoff-server-config.h"
#include "handoff-server-error.h"
#include "handoff-token.h"

#define KEY "APIunit"
#define SECRET "unit-secret-0123456789abcdef0123456789abcdef"

static char *
sign (const char *secret,
      const char *grants_json,
      jwt_alg_t   alg)
{
  jwt_t *jwt = NULL;
  char *out;

  g_assert_cmpint (jwt_new (&jwt), ==, 0);
  if (alg != JWT_ALG_NONE)
    g_assert_cmpint (jwt_set_alg (jwt, alg, (const unsigned char *) secret, strlen (secret)), ==,
                     0);
  g_assert_cmpint (jwt_add_grants_json (jwt, grants_json), ==, 0);
  out = jwt_encode_str (jwt);
  jwt_free (jwt);
  return out;
}

static void
test_token_claims (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = handoff_token_mint_participant (KEY, SECRET, HANDOFF_TOKEN_ROLE_CALLER,
                                                           "caller-abc", "Carla", "call-abc", 600,
                                                           &error);
  g_autoptr(JsonObject) claims = handoff_token_verify (KEY, SECRET, token, &error);
  JsonObject *video;
  JsonArray *sources;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (claims, "iss"), ==, KEY);
  g_assert_cmpstr (json_object_get_string_member (claims, "sub"), ==, "caller-abc");
  g_assert_cmpint (json_object_get_int_member (claims, "exp"), >, now + 590);
  g_assert_cmpint (json_object_get_int_member (claims, "exp"), <=, now + 601);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (claims, "attributes"), "handoff.role"),
                   ==, "caller");
  video = json_object_get_object_member (claims, "video");
  g_assert_cmpstr (json_object_get_string_member (video, "room"), ==, "call-abc");
  g_assert_true (json_object_get_boolean_member (video, "roomJoin"));
  g_assert_false (json_object_has_member (video, "roomAdmin"));
  g_assert_false (json_object_has_member (video, "roomCreate"));
  g_assert_false (json_object_has_member (video, "roomList"));
  g_assert_false (json_object_get_boolean_member (video, "canUpdateOwnMetadata"));
  sources = json_object_get_array_member (video, "canPublishSources");
  g_assert_cmpuint (json_array_get_length (sources), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (sources, 0), ==, "microphone");
}

static void
test_token_rejections (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *good_grants = g_strdup_printf ("{\"iss\":\"" KEY "\",\"sub\":\"x\","
                                                  "\"exp\":%" G_GINT64_FORMAT "}", now + 600);
  g_autofree char *expired_grants = g_strdup_printf ("{\"iss\":\"" KEY "\",\"sub\":\"x\","
                                                     "\"exp\":%" G_GINT64_FORMAT "}", now - 120);
  g_autofree char *future_grants = g_strdup_printf ("{\"iss\":\"" KEY "\",\"sub\":\"x\","
                                                    "\"nbf\":%" G_GINT64_FORMAT ","
                                                    "\"exp\":%" G_GINT64_FORMAT "}",
                                                    now + 600, now + 1200);
  g_autofree char *other_iss = g_strdup_printf ("{\"iss\":\"APIother\",\"sub\":\"x\","
                                                "\"exp\":%" G_GINT64_FORMAT "}", now + 600);
  struct {
    const char *what;
    char *token;
    gboolean ok;
  } cases[] = {
    { "good", sign (SECRET, good_grants, JWT_ALG_HS256), TRUE },
    { "wrong secret", sign ("another-secret-0123456789abcdef0123", good_grants, JWT_ALG_HS256),
      FALSE },
    { "alg none", sign (NULL, good_grants, JWT_ALG_NONE), FALSE },
    { "HS512", sign (SECRET, good_grants, JWT_ALG_HS512), FALSE },
    { "expired", sign (SECRET, expired_grants, JWT_ALG_HS256), FALSE },
    { "not yet valid", sign (SECRET, future_grants, JWT_ALG_HS256), FALSE },
    { "no exp", sign (SECRET, "{\"iss\":\"" KEY "\",\"sub\":\"x\"}", JWT_ALG_HS256), FALSE },
    { "other issuer", sign (SECRET, other_iss, JWT_ALG_HS256), FALSE },
    { "garbage", g_strdup ("not.a.jwt"), FALSE },
    { "empty", g_strdup (""), FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) claims = handoff_token_verify (KEY, SECRET, cases[i].token, &error);

      g_test_message ("case: %s", cases[i].what);
      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_nonnull (claims);
        }
      else
        {
          g_assert_null (claims);
          g_assert_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_UNAUTHORIZED);
        }
      g_free (cases[i].token);
    }
}

static char *
webhook_token (const char *secret,
               const char *body,
               gint64      exp_offset)
{
  g_autofree char *hash = NULL;
  g_autofree char *grants = NULL;
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_checksum_update (sum, (const guint8 *) body, strlen (body));
  g_checksum_get_digest (sum, digest, &len);
  hash = g_base64_encode (digest, len);
  grants = g_strdup_printf ("{\"iss\":\"" KEY "\",\"sha256\":\"%s\",\"exp\":%" G_GINT64_FORMAT
                            ",\"nbf\":%" G_GINT64_FORMAT "}", hash, now + exp_offset, now - 1);
  return sign (secret, grants, JWT_ALG_HS256);
}

static void
test_webhook_verification (void)
{
  const char *body = "{\"event\":\"participant_left\",\"room\":{\"name\":\"call-1\"}}";
  g_autofree char *good = webhook_token (SECRET, body, 300);
  g_autofree char *forged = webhook_token ("forged-secret-0123456789abcdef0123456", body, 300);
  g_autofree char *expired = webhook_token (SECRET, body, -300);
  g_autofree char *bearer = g_strconcat ("Bearer ", good, NULL);
  const char *tampered = "{\"event\":\"participant_left\",\"room\":{\"name\":\"call-2\"}}";
  GError *error = NULL;

  g_assert_true (handoff_webhook_verify (KEY, SECRET, good, (const guint8 *) body, strlen (body),
                                         &error));
  g_assert_no_error (error);
  g_assert_true (handoff_webhook_verify (KEY, SECRET, bearer, (const guint8 *) body,
                                         strlen (body), &error));
  g_assert_false (handoff_webhook_verify (KEY, SECRET, good, (const guint8 *) tampered,
                                          strlen (tampered), &error));
  g_assert_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_false (handoff_webhook_verify (KEY, SECRET, forged, (const guint8 *) body,
                                          strlen (body), &error));
  g_clear_error (&error);
  g_assert_false (handoff_webhook_verify (KEY, SECRET, expired, (const guint8 *) body,
                                          strlen (body), &error));
  g_clear_error (&error);
  g_assert_false (handoff_webhook_verify (KEY, SECRET, NULL, (const guint8 *) body,
                                          strlen (body), &error));
  g_clear_error (&error);
}

static void
test_request_validation (void)
{
  static const struct {
    const char *schema;
    const char *body;
    int code;   /* -1 = valid */
  } cases[] = {
    { "sessions.create", "{\"username\":\"a\",\"password\":\"b\"}", -1 },
    { "sessions.create", "{\"username\":\"a\"}", HANDOFF_SERVER_ERROR_MISSING_FIELD },
    { "sessions.create", "{\"username\":1,\"password\":\"b\"}", HANDOFF_SERVER_ERROR_INVALID_FIELD },
    { "sessions.create", "{\"username\":\"\",\"password\":\"b\"}",
      HANDOFF_SERVER_ERROR_INVALID_FIELD },
    { "sessions.create", "[1,2]", HANDOFF_SERVER_ERROR_INVALID_JSON },
    { "sessions.create", "{\"username\":", HANDOFF_SERVER_ERROR_INVALID_JSON },
    { "sessions.create", "\"text\"", HANDOFF_SERVER_ERROR_INVALID_JSON },
    { "agents.status", "{\"status\":\"available\"}", -1 },
    { "agents.status", "{\"status\":\"asleep\"}", HANDOFF_SERVER_ERROR_INVALID_FIELD },
    { "agents.status", "{\"status\":null}", HANDOFF_SERVER_ERROR_MISSING_FIELD },
    { "calls.create", "{\"name\":\"C\",\"reason\":\"r\",\"extra\":[1]}", -1 },
    { "calls.create", "{\"name\":true}", HANDOFF_SERVER_ERROR_INVALID_FIELD },
    { "transfers.create",
      "{\"call_id\":\"c\",\"target_agent_id\":\"t\",\"summary\":{\"text\":\"s\",\"k\":[1]},"
      "\"transcript\":[{\"text\":\"hi\"}],\"urgent\":true}", -1 },
    { "transfers.create", "{\"call_id\":\"c\",\"target_agent_id\":\"t\",\"summary\":\"s\"}",
      HANDOFF_SERVER_ERROR_INVALID_FIELD },
    { "transfers.create", "{\"call_id\":\"c\",\"target_agent_id\":\"t\",\"summary\":{}}",
      HANDOFF_SERVER_ERROR_INVALID_FIELD },
    { "transfers.create",
      "{\"call_id\":\"c\",\"target_agent_id\":\"t\",\"summary\":{\"text\":\"s\"},"
      "\"transcript\":[\"line\"]}", HANDOFF_SERVER_ERROR_INVALID_FIELD },
    { "transfers.create",
      "{\"call_id\":\"c\",\"target_agent_id\":\"t\",\"summary\":{\"text\":\"s\"},"
      "\"urgent\":\"yes\"}", HANDOFF_SERVER_ERROR_INVALID_FIELD },
    { "transfers.rating", "{\"score\":5}", -1 },
    { "transfers.rating", "{\"score\":6}", HANDOFF_SERVER_ERROR_INVALID_FIELD },
    { "transfers.rating", "{\"score\":4.5}", HANDOFF_SERVER_ERROR_INVALID_FIELD },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) body = handoff_request_parse_as (cases[i].schema, cases[i].body,
                                                             strlen (cases[i].body), &error);

      g_test_message ("case %u: %s %s", i, cases[i].schema, cases[i].body);
      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_nonnull (body);
        }
      else
        g_assert_error (error, HANDOFF_SERVER_ERROR, cases[i].code);
    }
  /* Not UTF-8, embedded NUL */
  {
    g_autoptr(GError) error = NULL;
    g_assert_null (handoff_request_parse ("{\"a\":\"\xff\"}", 9, &error));
    g_assert_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INVALID_JSON);
    g_clear_error (&error);
    g_assert_null (handoff_request_parse ("{}\0{}", 5, &error));
    g_assert_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INVALID_JSON);
  }
}

static void
test_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(HandoffServerConfig) dev = NULL;
  g_autoptr(HandoffServerConfig) loaded = NULL;
  int fd;
  static const struct {
    const char *text;
    const char *message_part;
  } bad[] = {
    { "[server]\nport=70000\n", "port" },
    { "[server]\nport=abc\n", "port" },
    { "[timeouts]\ncall_offer=0\n", "call_offer" },
    { "[livekit]\nurl=ftp://x\napi_key=k\napi_secret=s\n", "URL" },
    { "[livekit]\nurl=ws://x\napi_key=k\n", "secret" },
    { "[livekit]\nurl=ws://x\napi_secret=s\n", "key" },
    { "[server]\ntls_certificate=/x.pem\n[livekit]\nurl=ws://x\napi_key=k\napi_secret=s\n",
      "TLS" },
    { "not a key file", "config file" },
  };

  g_unsetenv ("LIVEKIT_URL");
  g_unsetenv ("LIVEKIT_API_KEY");
  g_unsetenv ("LIVEKIT_API_SECRET");
  dev = handoff_server_config_load (NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dev->livekit_url, ==, "ws://127.0.0.1:7880");
  g_assert_cmpstr (dev->livekit_api_url, ==, "http://127.0.0.1:7880");
  g_assert_cmpstr (dev->api_key, ==, "devkey");
  g_assert_cmpstr (dev->api_secret, ==, "secret");
  g_assert_null (handoff_server_config_load (NULL, FALSE, &error));
  g_assert_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG);
  g_clear_error (&error);

  fd = g_file_open_tmp ("handoff-config-XXXXXX.ini", &path, &error);
  g_assert_no_error (error);
  close (fd);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(HandoffServerConfig) config = NULL;

      g_assert_true (g_file_set_contents (path, bad[i].text, -1, NULL));
      config = handoff_server_config_load (path, FALSE, &error);
      g_test_message ("bad config %u: %s", i, error ? error->message : "(accepted)");
      g_assert_null (config);
      g_assert_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG);
      g_assert_nonnull (strstr (error->message, bad[i].message_part));
      g_clear_error (&error);
    }

  /* The environment wins over the file for secrets. */
  g_assert_true (g_file_set_contents (path, "[livekit]\nurl=wss://lk.example/\napi_key=file\n"
                                            "api_secret=file-secret\n[timeouts]\ncall_offer=5\n",
                                      -1, NULL));
  g_setenv ("LIVEKIT_API_SECRET", "env-secret", TRUE);
  loaded = handoff_server_config_load (path, FALSE, &error);
  g_unsetenv ("LIVEKIT_API_SECRET");
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->api_secret, ==, "env-secret");
  g_assert_cmpstr (loaded->api_key, ==, "file");
  g_assert_cmpstr (loaded->livekit_api_url, ==, "https://lk.example");
  g_assert_cmpuint (loaded->call_offer_timeout, ==, 5);
  g_unlink (path);
}

static void
test_password (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = handoff_password_hash ("correct horse", &error);
  g_autofree char *hash2 = handoff_password_hash ("correct horse", &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hash, "$y$"));
  g_assert_null (strstr (hash, "correct"));
  g_assert_cmpstr (hash, !=, hash2);
  g_assert_true (handoff_password_verify ("correct horse", hash));
  g_assert_false (handoff_password_verify ("correct horsE", hash));
  g_assert_false (handoff_password_verify ("", hash));
  g_assert_false (handoff_password_verify ("correct horse", "plain"));
  g_assert_null (handoff_password_hash ("", &error));
  g_assert_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INVALID_FIELD);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/unit/token-claims", test_token_claims);
  g_test_add_func ("/server/unit/token-rejections", test_token_rejections);
  g_test_add_func ("/server/unit/webhook-verification", test_webhook_verification);
  g_test_add_func ("/server/unit/request-validation", test_request_validation);
  g_test_add_func ("/server/unit/config", test_config);
  g_test_add_func ("/server/unit/password", test_password);
  return g_test_run ();
}
