/* handoff-audio-device.h: one microphone or speaker the agent can choose,
 * or the system's default
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define HANDOFF_TYPE_AUDIO_DEVICE (handoff_audio_device_get_type ())
G_DECLARE_FINAL_TYPE (HandoffAudioDevice, handoff_audio_device, HANDOFF, AUDIO_DEVICE, GObject)

/* @device NULL: the system's default device. */
HandoffAudioDevice *handoff_audio_device_new              (GstDevice          *device);
/* What the agent reads; also what the settings keep ("" for the default). */
const char         *handoff_audio_device_get_display_name (HandoffAudioDevice *self);
/* The key kept in GSettings: the display name, "" for the default. */
const char         *handoff_audio_device_get_key          (HandoffAudioDevice *self);
gboolean            handoff_audio_device_is_default       (HandoffAudioDevice *self);
GstDevice          *handoff_audio_device_get_device       (HandoffAudioDevice *self);
/* A new element for the device (floating), or NULL for the default (the
 * media layer then picks its own). */
GstElement         *handoff_audio_device_create_element   (HandoffAudioDevice *self);

G_END_DECLS
