/* handoff-audio-devices.h: the microphones (or the speakers) of this
 * machine, as they come and go
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "handoff-audio-device.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_AUDIO_DEVICES (handoff_audio_devices_get_type ())
G_DECLARE_FINAL_TYPE (HandoffAudioDevices, handoff_audio_devices, HANDOFF, AUDIO_DEVICES, GObject)

#define HANDOFF_AUDIO_MICROPHONES "Audio/Source"
#define HANDOFF_AUDIO_SPEAKERS    "Audio/Sink"

/* A GListModel of HandoffAudioDevice: the system default first, then the
 * devices of @device_class (HANDOFF_AUDIO_MICROPHONES or _SPEAKERS) once
 * the sound system has listed them (property "loaded"), kept up to date
 * while devices are plugged in and out. The listing itself runs off the
 * main loop. */
HandoffAudioDevices *handoff_audio_devices_new       (const char          *device_class);
gboolean             handoff_audio_devices_is_loaded (HandoffAudioDevices *self);
/* The device whose key (handoff_audio_device_get_key) is @key, "" or NULL
 * being the default; NULL if no such device is (yet) listed. */
HandoffAudioDevice  *handoff_audio_devices_find      (HandoffAudioDevices *self,
                                                      const char          *key,
                                                      guint               *position);

G_END_DECLS
