/* handoff-entities.h: identifiers, contacts, amounts and dates found in a transcript
 *
 * What the app's entity drawer lists and what the offline summarizer reports
 * as identifiers: pattern-based and deterministic.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  HANDOFF_ENTITY_ACCOUNT,
  HANDOFF_ENTITY_ORDER,
  HANDOFF_ENTITY_TICKET,
  HANDOFF_ENTITY_REFERENCE,
  HANDOFF_ENTITY_EMAIL,
  HANDOFF_ENTITY_PHONE,
  HANDOFF_ENTITY_AMOUNT,
  HANDOFF_ENTITY_DATE,
  HANDOFF_ENTITY_OTHER,
} HandoffEntityKind;

typedef struct {
  HandoffEntityKind kind;
  char             *value;      /* as written, separators kept; emails lower-cased */
  int               utterance;  /* index in the transcript, -1 when not known */
} HandoffEntity;

#define HANDOFF_TYPE_ENTITY (handoff_entity_get_type ())
GType          handoff_entity_get_type (void) G_GNUC_CONST;
HandoffEntity *handoff_entity_new      (HandoffEntityKind    kind,
                                        const char          *value);
HandoffEntity *handoff_entity_copy     (const HandoffEntity *entity);
void           handoff_entity_free     (HandoffEntity       *entity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandoffEntity, handoff_entity_free)

const char       *handoff_entity_kind_to_string   (HandoffEntityKind kind);
HandoffEntityKind handoff_entity_kind_from_string (const char       *name);
gboolean          handoff_entity_kind_is_identifier (HandoffEntityKind kind);

/* (element-type HandoffEntity) in order of first appearance, each kind+value once. */
GPtrArray *handoff_entities_extract            (const char *text);
GPtrArray *handoff_entities_extract_utterances (GPtrArray  *utterances);

/* "four one one one" → "4111": speech recognisers spell numbers out. Runs of
 * at least four digit words are joined. */
char      *handoff_text_spoken_digits          (const char *text);

G_END_DECLS
