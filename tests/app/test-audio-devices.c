/* test-audio-devices.c: the microphones and speakers an agent can choose,
 * from a real sound server (a private PulseAudio with virtual devices),
 * as they are plugged in and out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/gst.h>

#include "handoff-audio-devices.h"

static char *pulse_dir;
static GSubprocess *pulse;

static gboolean
wait_for (gboolean (*cond) (gpointer),
          gpointer   data,
          double     seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!cond (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (10000), TRUE);
  return cond (data);
}

static gboolean
socket_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* A sound server of our own: two speakers (one a headset), a microphone,
 * and nothing of the machine's. */
static gboolean
start_pulse (void)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autofree char *socket = NULL;
  g_autofree char *native = NULL;
  g_autofree char *server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path ("pulseaudio");

  if (program == NULL)
    return FALSE;
  pulse_dir = g_dir_make_tmp ("handoff-pulse-XXXXXX", &error);
  g_assert_no_error (error);
  socket = g_build_filename (pulse_dir, "native", NULL);
  native = g_strdup_printf ("module-native-protocol-unix socket=%s auth-anonymous=1", socket);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", pulse_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", pulse_dir, TRUE);
  pulse = g_subprocess_launcher_spawn (launcher, &error, "pulseaudio", "-n", "--daemonize=no",
                                       "--exit-idle-time=-1", "--disable-shm=yes", "-L", native,
                                       "-L", "module-null-sink sink_name=desk sink_properties=device.description=Desk-Speakers",
                                       "-L", "module-sine-source source_name=headmic rate=48000 frequency=880",
                                       NULL);
  g_assert_no_error (error);
  g_assert_true (wait_for (socket_exists, socket, 10));
  server = g_strdup_printf ("unix:%s", socket);
  g_setenv ("PULSE_SERVER", server, TRUE);
  return TRUE;
}

static void
stop_pulse (void)
{
  const char *rm[] = { "rm", "-rf", pulse_dir, NULL };

  g_subprocess_force_exit (pulse);
  g_subprocess_wait (pulse, NULL, NULL);
  g_clear_object (&pulse);
  g_assert_true (g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL));
  g_clear_pointer (&pulse_dir, g_free);
}

static char *
pactl (const char *args)
{
  g_autofree char *cmd = g_strdup_printf ("pactl %s", args);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (cmd, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_strstrip (g_steal_pointer (&out));
}

static gboolean
is_loaded (gpointer devices)
{
  return handoff_audio_devices_is_loaded (devices);
}

/* The display names, "|"-joined, for messages and substring checks. */
static char *
names (GListModel *devices)
{
  g_autoptr(GString) s = g_string_new ("");

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(HandoffAudioDevice) d = g_list_model_get_item (devices, i);
      g_string_append_printf (s, "%s|", handoff_audio_device_get_display_name (d));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

typedef struct {
  GListModel *devices;
  const char *name;
  gboolean present;
} Listed;

static gboolean
listed (gpointer data)
{
  Listed *l = data;

  return (handoff_audio_devices_find (HANDOFF_AUDIO_DEVICES (l->devices), l->name, NULL) != NULL) == l->present;
}

static void
test_lists (void)
{
  g_autoptr(HandoffAudioDevices) mics = NULL;
  g_autoptr(HandoffAudioDevices) speakers = NULL;
  g_autoptr(HandoffAudioDevice) first = NULL;
  g_autoptr(GstElement) element = NULL;
  g_autofree char *mic_names = NULL;
  g_autofree char *speaker_names = NULL;
  g_autofree char *sine = NULL;
  HandoffAudioDevice *desk;
  guint position = 99;

  if (!start_pulse ())
    {
      if (g_getenv ("HANDOFF_REQUIRE_LIVEKIT") != NULL)
        g_error ("pulseaudio is not installed (build-aux/apt-packages.txt has it)");
      g_test_skip ("pulseaudio is not installed");
      return;
    }
  mics = handoff_audio_devices_new (HANDOFF_AUDIO_MICROPHONES);
  speakers = handoff_audio_devices_new (HANDOFF_AUDIO_SPEAKERS);
  /* The default is there at once, before the sound server answered. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mics)), >=, 1);
  first = g_list_model_get_item (G_LIST_MODEL (mics), 0);
  g_assert_true (handoff_audio_device_is_default (first));
  g_assert_cmpstr (handoff_audio_device_get_key (first), ==, "");
  g_assert_null (handoff_audio_device_create_element (first));

  g_assert_true (wait_for (is_loaded, mics, 10));
  g_assert_true (wait_for (is_loaded, speakers, 10));
  mic_names = names (G_LIST_MODEL (mics));
  speaker_names = names (G_LIST_MODEL (speakers));
  g_test_message ("microphones: %s speakers: %s", mic_names, speaker_names);
  /* The sine source is a microphone; the speakers' monitors are not. */
  sine = pactl ("list short sources");
  g_assert_nonnull (strstr (sine, "headmic"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mics)), ==, 2);
  g_assert_null (strstr (mic_names, "Monitor"));
  desk = handoff_audio_devices_find (speakers, "Desk-Speakers", &position);
  g_assert_nonnull (desk);
  g_assert_cmpuint (position, ==, 1);
  element = gst_object_ref_sink (handoff_audio_device_create_element (desk));
  g_assert_cmpstr (GST_OBJECT_NAME (gst_element_get_factory (element)), ==, "pulsesink");
  g_assert_null (handoff_audio_devices_find (speakers, "Nothing-Like-It", NULL));

  /* Plugged in, then out, while the lists are shown. */
  {
    g_autofree char *module = pactl ("load-module module-null-sink sink_name=usb "
                                     "sink_properties=device.description=USB-Headset");
    g_autofree char *unload = g_strdup_printf ("unload-module %s", module);
    Listed l = { G_LIST_MODEL (speakers), "USB-Headset", TRUE };

    g_assert_true (wait_for (listed, &l, 10));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (speakers)), ==, 3);
    g_free (pactl (unload));
    l.present = FALSE;
    g_assert_true (wait_for (listed, &l, 10));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (speakers)), ==, 2);
  }

  g_clear_object (&mics);
  g_clear_object (&speakers);
  stop_pulse ();
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio-devices/lists", test_lists);
  return g_test_run ();
}
